// The reference page of the HTTP API: Swagger UI over the document the Worker serves.
// Everything is same-origin: no validator badge, no remote fonts, no telemetry.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  docExpansion: "list",
  defaultModelsExpandDepth: 0,
  displayRequestDuration: true,
  persistAuthorization: false,
});
