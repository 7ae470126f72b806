/* provenance report: select a statement (click, Enter or Space) to scroll to
   and emphasise its evidence.  Reads only data-stmt integers and class names
   that the renderer generated; never reads or inserts page text as markup. */
(function () {
  "use strict";
  var live = document.getElementById("live");
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function clear() {
    var lit = document.querySelectorAll(".focus, .focus-best");
    for (var i = 0; i < lit.length; i++) lit[i].classList.remove("focus", "focus-best");
    var on = document.querySelectorAll("#summary-text .stmt.active");
    for (var j = 0; j < on.length; j++) {
      on[j].classList.remove("active");
      on[j].setAttribute("aria-pressed", "false");
    }
  }

  function select(stmt) {
    var n = stmt.getAttribute("data-stmt");
    if (!/^[0-9]+$/.test(n || "")) return;
    clear();
    stmt.classList.add("active");
    stmt.setAttribute("aria-pressed", "true");
    var all = document.querySelectorAll(".evs-" + n);
    for (var i = 0; i < all.length; i++) all[i].classList.add("focus");
    var best = document.querySelectorAll(".evb-" + n);
    for (var j = 0; j < best.length; j++) best[j].classList.add("focus-best");
    var target = best[0] || all[0];
    if (target) target.scrollIntoView({ block: "center", behavior: reduce ? "auto" : "smooth" });
    if (live) {
      live.textContent = (stmt.getAttribute("data-announce") || "") +
        (target ? " Its evidence is highlighted in the source." : " It has no evidence in the source.");
    }
  }

  var text = document.getElementById("summary-text");
  if (!text) return;
  text.addEventListener("click", function (ev) {
    var stmt = ev.target.closest(".stmt");
    if (stmt) select(stmt);
  });
  text.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if ((ev.key === "Enter" || ev.key === " ") && t.classList && t.classList.contains("stmt")) {
      ev.preventDefault();
      select(t);
    }
  });
})();
