// Progressive enhancement only: every page works without this file.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Tables wider than the screen scroll sideways inside their region: say so above each one
// that does, and keep the note true as the window changes size.
function markScrollingTables() {
  document.querySelectorAll(".engage-table-scroll").forEach((region, index) => {
    let hint = region.previousElementSibling;
    if (!hint || !hint.classList.contains("engage-scroll-hint")) {
      hint = document.createElement("p");
      hint.className = "govuk-body-s engage-scroll-hint";
      hint.id = `engage-scroll-hint-${index}`;
      hint.textContent = "This table is wider than the screen: scroll sideways to see every column.";
      region.parentNode.insertBefore(hint, region);
    }
    const scrolls = region.scrollWidth > region.clientWidth + 1;
    hint.hidden = !scrolls;
    if (scrolls) {
      region.setAttribute("aria-describedby", hint.id);
    } else {
      region.removeAttribute("aria-describedby");
    }
  });
}
markScrollingTables();
let resizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(markScrollingTables, 150);
});
document.addEventListener("toggle", markScrollingTables, true);  // tables inside <details>
