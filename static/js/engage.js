// Progressive enhancement only: every page works without this file.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

// A confirmation after a redirect to a place on the page ("comment sent", "question moved"):
// the browser scrolls to that place, so the banner at the top would be neither seen nor, once
// focus moved, heard. Put the banner just above that place, before initAll() gives a success
// banner (role="alert") focus there, so it is read out and seen next to what it is about.
function confirmationAtAnchor() {
  const banner = document.querySelector("main .govuk-notification-banner--success");
  const id = decodeURIComponent(window.location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!banner || !target || target.contains(banner) || target.closest(".govuk-notification-banner")) {
    return;
  }
  let place = target;
  const table = place.closest("table");
  if (table) {
    place = table.closest(".engage-table-scroll") || table;
  }
  if (place.tagName === "LI" || place.tagName === "DT" || place.tagName === "DD") {
    place.prepend(banner);
  } else {
    place.parentNode.insertBefore(banner, place);
  }
  banner.classList.add("engage-banner-at-anchor");
  // Focus it once the browser has finished going to the place (which can take focus back to
  // the page), so a screen reader reads it and the page shows it above what it is about.
  banner.setAttribute("tabindex", "-1");
  const focus = () => banner.focus();
  if (document.readyState === "complete") {
    setTimeout(focus, 0);
  } else {
    window.addEventListener("load", () => setTimeout(focus, 0), { once: true });
  }
}
confirmationAtAnchor();
initAll();

// "Please say" boxes under radios: shown while their option is chosen (GOV.UK's conditional
// reveal, without the aria-controls and aria-expanded its script puts on a radio, which axe
// refuses there: aria-allowed-attr). The box follows its option, so it is read next.
function syncRadioReveals() {
  document.querySelectorAll("input[type=radio][data-engage-reveal]").forEach((input) => {
    const box = document.getElementById(input.dataset.engageReveal);
    if (box) {
      box.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    }
  });
}
syncRadioReveals();
document.addEventListener("change", (event) => {
  if (event.target instanceof HTMLInputElement && event.target.type === "radio") {
    syncRadioReveals();
  }
});
window.addEventListener("pageshow", syncRadioReveals);

// Tables wider than the screen scroll sideways inside their region: say so above each one
// that does, and keep the note true as the window changes size.
// Every table in the page's content sits in a region of its own that scrolls sideways, so a
// wide table never makes the whole page wider than a phone's screen. (Templates wrap most
// tables themselves, for people without JavaScript; this catches the rest.)
function wrapTables() {
  document.querySelectorAll("main table").forEach((table) => {
    if (table.closest(".engage-table-scroll")) {
      return;
    }
    const region = document.createElement("div");
    region.className = "engage-table-scroll";
    region.setAttribute("role", "region");
    region.tabIndex = 0;
    const caption = table.querySelector("caption");
    region.setAttribute("aria-label", (caption && caption.textContent.trim()) || "Table");
    table.parentNode.insertBefore(region, table);
    region.appendChild(table);
  });
}
wrapTables();

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

// "Print this page" buttons: shown only when JavaScript can print (otherwise the browser's own
// print option does the same).
document.querySelectorAll("[data-engage-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});

// "Carry on with your answers" links end in #code: the code stays in the browser (a fragment
// is never sent to the server, so it is in no access log). Put it in the form, take it out of
// the address bar and history, and send the form. Without JavaScript people type the code.
document.querySelectorAll("form[data-engage-resume]").forEach((form) => {
  const code = decodeURIComponent(window.location.hash.slice(1)).trim();
  const box = form.querySelector("input[name=code]");
  if (!code || !box || !/^[A-Za-z0-9 -]{1,40}$/.test(code)) {
    return;
  }
  box.value = code;
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  form.submit();
});
