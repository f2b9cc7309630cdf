// Draws the API reference from the OpenAPI document (no inline script: the content policy forbids it).
(function () {
  var holder = document.getElementById("swagger-ui");
  if (!holder || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({
    url: holder.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
  });
})();
