// Starring a session without reloading the page: the form still works without script.
// The server answers the form with the page itself (it redirects back), so the new
// form and the message are taken from that answer.
(function () {
  "use strict";
  function swap(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (answer) {
          if (!answer.ok) { throw new Error(String(answer.status)); }
          return answer.text();
        })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.querySelector("form.agenda-form");
          var flashes = page.querySelector(".flashes");
          var main = document.getElementById("main");
          var old = main.querySelector(".flashes");
          if (old) { old.remove(); }
          if (flashes) { main.insertBefore(document.importNode(flashes, true), main.firstChild); }
          if (fresh) {
            var copy = document.importNode(fresh, true);
            form.replaceWith(copy);
            swap(copy);
            var next = copy.querySelector("button");
            if (next) { next.focus(); }
          }
        })
        .catch(function () { form.submit(); });
    });
  }
  document.querySelectorAll("form.agenda-form").forEach(swap);
})();
