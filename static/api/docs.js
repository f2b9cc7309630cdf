// Draws the API reference from the OpenAPI document embedded in the page as JSON data
// (no inline script: the content policy forbids it; no second request: it draws at once).
(function () {
  var holder = document.getElementById("swagger-ui");
  var data = document.getElementById("openapi-document");
  if (!holder || !data || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({
    spec: JSON.parse(data.textContent),
    dom_id: "#swagger-ui",
    deepLinking: true,
  });
})();
