/* Keyboard review on a document page: j / k select the next / previous finding (and show its place on the page),
   c confirms it, x dismisses it, p marks it 待核, r puts the cursor in its reason; Escape leaves the reason. */
(function () {
  "use strict";
  var current = -1;
  var DECISIONS = { c: "确认", x: "排除", p: "待核" };

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("li.finding:not([hidden])"));
  }

  function select(index) {
    var list = items();
    if (!list.length) { return; }
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (el) { el.classList.remove("selected"); });
    var item = list[current];
    item.classList.add("selected");
    item.scrollIntoView({ block: "nearest" });
    document.querySelectorAll(".box.focus, mark.focus, td.focus").forEach(function (el) { el.classList.remove("focus"); });
    var place = item.querySelector("a.place");
    if (place) {
      var target = document.getElementById(place.getAttribute("href").slice(1));
      if (target) {
        var shown = target.classList.contains("box") ? target : (target.nextElementSibling || target.parentElement);
        shown.classList.add("focus");
        shown.scrollIntoView({ block: "center" });
      }
    }
  }

  function selectById(id) {
    var list = items();
    for (var i = 0; i < list.length; i++) {
      if (list[i].id === id) { select(i); return; }
    }
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input, textarea, select")) {
      if (event.key === "Escape") { target.blur(); }
      if (event.key === "Enter" && target.classList.contains("reason")) { event.preventDefault(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "j") { select(current + 1); event.preventDefault(); }
    else if (event.key === "k") { select(current - 1); event.preventDefault(); }
    else if (DECISIONS[event.key] && current >= 0) {
      var button = items()[current].querySelector('button[value="' + DECISIONS[event.key] + '"]');
      if (button) { button.click(); }
      event.preventDefault();
    } else if (event.key === "r" && current >= 0) {
      var reason = items()[current].querySelector("input.reason");
      if (reason) { reason.focus(); }
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#finding-']") : null;
    if (link) { selectById(link.getAttribute("href").slice(1)); }
    var item = event.target.closest ? event.target.closest("li.finding") : null;
    if (item && !event.target.closest("form")) { selectById(item.id); }
  });
})();
