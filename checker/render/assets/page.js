// The self-check page: choose or drop files, upload them with a progress bar, then follow the batch's
// check until its result page is ready. Messages come from data-* attributes the server wrote.
(function () {
  "use strict";
  const byId = (id) => document.getElementById(id);

  function follow(id, url, files, label, unit) {
    const bar = byId("bar"), text = byId("status-text");
    bar.max = files;
    const tick = () => {
      fetch("/api/batches/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
        .then((r) => r.json())
        .then((s) => {
          bar.value = s.done;
          text.textContent = label + " " + s.done + " / " + s.files + " " + unit;
          if (s.status === "done" || s.status === "failed") window.location.assign(url);
          else setTimeout(tick, 400);
        })
        .catch(() => setTimeout(tick, 1000));
    };
    tick();
  }

  const READABLE = /\.(docx|xlsx|xlsm|txt|ya?ml|json)$/i;

  async function filesIn(entries) {
    const out = [];
    const walk = async (entry) => {
      if (entry.isFile) {
        const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
        if (READABLE.test(file.name)) out.push(file);
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        for (;;) {
          const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
          if (!batch.length) break;
          for (const e of batch) await walk(e);
        }
      }
    };
    for (const e of entries) await walk(e);
    return out;
  }

  const form = byId("upload");
  if (form) {
    const input = byId("files"), drop = byId("drop"), chosen = byId("chosen");
    const button = byId("submit"), status = byId("status"), problem = byId("problem");
    const list = () => {
      chosen.textContent = "";
      Array.from(input.files).forEach((f) => {
        const li = document.createElement("li");
        li.textContent = f.name + " (" + Math.ceil(f.size / 1024) + " KB)";
        chosen.appendChild(li);
      });
    };
    input.addEventListener("change", list);
    ["dragenter", "dragover"].forEach((e) => drop.addEventListener(e, (ev) => { ev.preventDefault(); drop.classList.add("over"); }));
    ["dragleave", "drop"].forEach((e) => drop.addEventListener(e, (ev) => { ev.preventDefault(); drop.classList.remove("over"); }));
    drop.addEventListener("drop", (ev) => {
      if (!ev.dataTransfer) return;
      // a dropped folder is walked for the files jxcheck reads (the entries must be taken now, while the
      // drop event lasts)
      const entries = Array.from(ev.dataTransfer.items || [])
        .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null)).filter(Boolean);
      if (!entries.some((e) => e.isDirectory)) {
        if (ev.dataTransfer.files.length) { input.files = ev.dataTransfer.files; list(); }
        return;
      }
      filesIn(entries).then((files) => {
        const dt = new DataTransfer();
        files.forEach((f) => dt.items.add(f));
        input.files = dt.files;
        list();
      });
    });
    const size = (n) => (n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.ceil(n / 1024) + " KB");
    const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k]);
    // the limits the server enforces, checked here first: a file too large is refused before it is sent
    const refusal = (files) => {
      const d = form.dataset, maxFile = Number(d.maxFile), maxFiles = Number(d.maxFiles), maxTotal = Number(d.maxTotal);
      if (!files.length) return d.nofile;
      if (maxFiles && files.length > maxFiles) return fill(d.tooMany, { limit: maxFiles, n: files.length });
      const big = files.find((f) => maxFile && f.size > maxFile);
      if (big) return fill(d.tooLarge, { name: big.name, size: size(big.size), limit: size(maxFile) });
      const total = files.reduce((a, f) => a + f.size, 0);
      if (maxTotal && total > maxTotal) return fill(d.tooMuch, { size: size(total), limit: size(maxTotal) });
      return "";
    };
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const refused = refusal(Array.from(input.files));
      problem.textContent = refused;
      if (refused) { problem.scrollIntoView({ block: "center" }); return; }
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      status.classList.remove("hidden");
      xhr.upload.onprogress = (e) => {
        if (!e.lengthComputable) return;
        byId("bar").value = (100 * e.loaded) / e.total;
        byId("status-text").textContent = form.dataset.uploading + " " + Math.round((100 * e.loaded) / e.total) + "%";
      };
      xhr.onload = () => {
        let data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = { error: xhr.responseText }; }
        if (xhr.status === 202) {
          follow(data.id, data.url, data.files, form.dataset.checking, form.dataset.files);
        } else {
          problem.textContent = (data.message || data.error || xhr.statusText) + " (" + xhr.status + ")";
          button.disabled = false;
          status.classList.add("hidden");
        }
      };
      xhr.onerror = () => { problem.textContent = form.dataset.network; button.disabled = false; status.classList.add("hidden"); };
      button.disabled = true;
      xhr.send(new FormData(form));
    });
  }

  const watch = byId("batch");
  if (watch) follow(watch.dataset.id, watch.dataset.url, Number(watch.dataset.files), watch.dataset.checking, watch.dataset.unit);
})();
