/* Thinklab page: fetch new contributions every 15 seconds and append them.
   The page works without it; the server sanitises every body before sending it. */
(function () {
  "use strict";
  var list = document.getElementById("contribution-list");
  if (!list || !list.dataset.feed || !window.fetch) { return; }
  var after = parseInt(list.dataset.after || "0", 10) || 0;

  function render(item) {
    if (document.getElementById("contribution-" + item.id)) { return; }
    var article = document.createElement("article");
    article.className = "contribution is-new";
    article.id = "contribution-" + item.id;
    var meta = document.createElement("p");
    meta.className = "muted";
    meta.textContent = (item.author ? item.author + " · " : "") +
      new Date(item.created_at).toLocaleString(document.documentElement.lang || undefined);
    article.appendChild(meta);
    var body = document.createElement("div");
    body.className = "contribution-body";
    body.innerHTML = item.body_html; // cleaned by the server (nh3) on the way out
    article.appendChild(body);
    if (item.link_url) {
      var p = document.createElement("p");
      var a = document.createElement("a");
      a.href = item.link_url;
      a.rel = "nofollow noopener";
      a.textContent = item.link_url;
      p.appendChild(a);
      article.appendChild(p);
    }
    if (item.files && item.files.length) {
      var ul = document.createElement("ul");
      ul.className = "plain-list";
      item.files.forEach(function (file) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = file.url;
        link.textContent = file.name;
        li.appendChild(link);
        ul.appendChild(li);
      });
      article.appendChild(ul);
    }
    list.appendChild(article);
  }

  function poll() {
    fetch(list.dataset.feed + "?after=" + after, {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      (data.contributions || []).forEach(render);
      after = Math.max(after, data.last_id || 0);
    }).catch(function () { /* try again at the next tick */ });
  }

  window.setInterval(poll, 15000);
})();
