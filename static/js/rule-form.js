/* Thinklab rule form: show only the fields the chosen frequency uses, and the raw rule
   only in the advanced mode. Without this script every field stays visible and works. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("[data-rule-form]");
  Array.prototype.forEach.call(forms, function (box) {
    var repeat = box.querySelector("select[name='repeat']");
    var advanced = box.querySelector("input[name='advanced']");
    function show(element, visible) { if (element) { element.hidden = !visible; } }
    function update() {
      var frequency = repeat ? repeat.value : "";
      var raw = advanced && advanced.checked;
      show(box.querySelector("[data-rule-simple]"), !raw);
      show(box.querySelector("[data-rule-advanced]"), raw);
      show(box.querySelector("[data-rule-repeating]"), frequency !== "");
      Array.prototype.forEach.call(box.querySelectorAll("[data-rule-for]"), function (part) {
        show(part, part.getAttribute("data-rule-for") === frequency);
      });
    }
    if (repeat) { repeat.addEventListener("change", update); }
    if (advanced) { advanced.addEventListener("change", update); }
    update();
  });
}());
