/* The visitor's time zone: remembered in a cookie (the server checks it against the zone
   list before suggesting it), and offered first in the zone lists of cached pages such
   as the programme's "Show times in". Pages work the same without it. */
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) { return; }
  if (document.cookie.indexOf("agora_tz=" + encodeURIComponent(zone)) === -1) {
    document.cookie = "agora_tz=" + encodeURIComponent(zone) +
      "; path=/; max-age=31536000; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }
  document.addEventListener("DOMContentLoaded", function () {
    var selects = document.querySelectorAll("select[data-zone-select]");
    Array.prototype.forEach.call(selects, function (select) {
      var known = null;
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.value === zone) { known = option; }
      });
      var first = select.querySelector("optgroup");
      if (!known || !first || known.parentNode === first) { return; }
      var mine = known.cloneNode(true);
      mine.selected = false;
      var label = select.getAttribute("data-zone-yours") || "%s";
      mine.textContent = label.replace("%s", zone.replace(/_/g, " "));
      first.insertBefore(mine, first.firstChild);
    });
  });
}());
