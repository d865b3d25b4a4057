// Filters of the findings: severity, category, rule, project and a search box. Counts and flagged cells
// follow what is shown. Reads only data-* attributes the server or renderer wrote; builds no HTML.
(function () {
  "use strict";
  const all = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const byId = (id) => document.getElementById(id);
  const SEVERITIES = ["error", "warning", "info"];

  function apply() {
    const sev = new Set(all("input[data-sev]").filter((x) => x.checked).map((x) => x.dataset.sev));
    const cat = new Set(all("input[data-cat]").filter((x) => x.checked).map((x) => x.dataset.cat));
    const rule = byId("flt-rule") ? byId("flt-rule").value : "";
    const project = byId("flt-project") ? byId("flt-project").value : "";
    const q = byId("flt-q") ? byId("flt-q").value.trim().toLowerCase() : "";
    const shown = new Map();
    const total = { error: 0, warning: 0, info: 0 };
    all("section.filing").forEach((sec) => {
      const inProject = !project || sec.dataset.project === project;
      sec.classList.toggle("hidden", !inProject);
      const toc = byId("toc-" + sec.id);
      if (toc) toc.classList.toggle("hidden", !inProject);
      const counts = { error: 0, warning: 0, info: 0 };
      all("li.finding", sec).forEach((li) => {
        const ok = inProject && sev.has(li.dataset.severity) && cat.has(li.dataset.category) &&
          (!rule || li.dataset.rule === rule) && (!q || li.textContent.toLowerCase().includes(q));
        li.classList.toggle("hidden", !ok);
        if (ok) { shown.set(li.id, li.dataset.severity); counts[li.dataset.severity]++; }
      });
      SEVERITIES.forEach((s) => {
        const badge = sec.querySelector('[data-count="' + s + '"]');
        if (badge) badge.textContent = counts[s];
        total[s] += counts[s];
      });
    });
    all("[data-f]").forEach((el) => {
      const sevs = el.dataset.f.split(" ").filter((id) => shown.has(id)).map((id) => shown.get(id));
      SEVERITIES.forEach((s) => el.classList.remove("sev-" + s));
      el.classList.toggle("flag", sevs.length > 0);
      if (sevs.length) el.classList.add("sev-" + SEVERITIES.find((s) => sevs.includes(s)));
      all("a.ref", el).forEach((a) => a.classList.toggle("hidden", !shown.has(a.dataset.ref)));
    });
    SEVERITIES.forEach((s) => { const e = byId("total-" + s); if (e) e.textContent = total[s]; });
  }

  // the sticky filter bar's height, for where a jump lands (it wraps to more lines on a narrow screen)
  const bar = document.querySelector(".filters");
  const measure = () => { if (bar) document.documentElement.style.setProperty("--bar", bar.offsetHeight + "px"); };
  measure();
  window.addEventListener("resize", measure);
  // a jump link (a finding's cell, a cell's finding, the contents) moves the keyboard focus with the view
  document.addEventListener("click", (ev) => {
    const a = ev.target.closest ? ev.target.closest('a[href^="#"]') : null;
    if (!a) return;
    const target = byId(decodeURIComponent(a.getAttribute("href").slice(1)));
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    setTimeout(() => target.focus({ preventScroll: true }), 0);
  });
  all(".filters input, .filters select").forEach((x) => x.addEventListener("input", apply));
  all(".filters input[type=checkbox]").forEach((x) => x.addEventListener("change", apply));
  window.jxApplyFilters = apply;
})();
