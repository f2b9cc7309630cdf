// Mail template editor: refresh the server-rendered preview while the organiser types.
// Without this script the "Preview" button does the same with a full page load.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-preview]");
  if (!form || !window.fetch) { return; }
  var timer = null;
  var errors = document.getElementById("preview-errors");
  var section = document.querySelector(".template-preview");

  function show(id, value) {
    var node = document.getElementById(id);
    if (node) { node.textContent = value; }
  }

  function refresh() {
    var data = new FormData(form);
    data.set("preview", "1");
    data.delete("submit");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json();
    }).then(function (answer) {
      var messages = [];
      Object.keys(answer.errors || {}).forEach(function (name) {
        messages.push(name + ": " + answer.errors[name].join(" "));
      });
      errors.textContent = messages.join(" ");
      if (answer.preview) {
        show("preview-subject", answer.preview.subject);
        show("preview-text", answer.preview.text);
        show("preview-html", answer.preview.html);
      }
      section.hidden = false;
    }).catch(function () { /* the Preview button still works */ });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  });
}());
