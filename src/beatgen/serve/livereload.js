// beatgen serve: reload this tab after each good rebuild; show build errors over the page.
// Added to HTML responses by the preview server only; never part of the built site.
(() => {
  "use strict";
  const script = document.currentScript;
  const pageVersion = Number(script.dataset.version);
  const OVERLAY_ID = "beatgen-overlay";

  function hideOverlay() {
    const overlay = document.getElementById(OVERLAY_ID);
    if (overlay) overlay.remove();
  }

  function element(tag, text, style) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    if (style) node.style.cssText = style;
    return node;
  }

  function showOverlay(problems) {
    hideOverlay();
    const overlay = element("div", "", "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,10,10,.94);color:#fff;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem;");
    overlay.id = OVERLAY_ID;
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-labelledby", OVERLAY_ID + "-title");
    const title = element("h2", "The site did not build", "color:#ff9b9b;font-size:1.3rem;margin:0 0 1rem;");
    title.id = OVERLAY_ID + "-title";
    overlay.append(title);
    const list = element("ul", "", "list-style:none;padding:0;margin:0;");
    for (const p of problems) {
      const item = element("li", "", "margin:0 0 1rem;");
      item.className = "beatgen-problem";
      const where = element("span", `${p.file}:${p.line}:${p.column}`, "color:#ffd27d;");
      where.className = "beatgen-where";
      item.append(where, element("span", `: ${p.severity}: `), element("span", p.message));
      list.append(item);
    }
    overlay.append(list);
    overlay.append(element("p", "Fix the file and save: this page reloads by itself. " +
      "Underneath is the last good build.", "color:#ccc;margin-top:2rem;"));
    document.body.append(overlay);
  }

  const events = new EventSource(script.dataset.events);
  events.onmessage = (message) => {
    const state = JSON.parse(message.data);
    const errors = state.problems.filter((p) => p.severity === "error");
    if (errors.length) showOverlay(errors);
    else if (state.version !== pageVersion) location.reload();
    else hideOverlay();
  };
})();
