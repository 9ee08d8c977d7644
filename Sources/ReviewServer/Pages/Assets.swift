/// The review page's style sheet and script, served from the binary (no CDN: it runs offline).
enum Assets {
    static let css = """
    :root { --ok: #0a7d32; --okbg: #e3f5e8; --bad: #c0151a; --badbg: #fde8e8; --warn: #8a5a00; --warnbg: #fff4d6;
            --blue: #0b57d0; --ink: #1b1b1b; --muted: #5c5c5c; --line: #d6d6d6; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 16px/1.45 system-ui, "DejaVu Sans", sans-serif; color: var(--ink); background: #f6f6f4; }
    header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem; background: #17324d; color: #fff; }
    header a { color: #fff; }
    .brand { font-weight: 700; text-decoration: none; font-size: 1.1rem; }
    .progress { background: rgba(255,255,255,.15); padding: .15rem .6rem; border-radius: 1rem; }
    .spacer { flex: 1; }
    main { padding: 1rem; }
    h1 { font-size: 1.35rem; margin: .2rem 0 .6rem; }
    h2 { font-size: 1.05rem; margin: 1rem 0 .3rem; }
    .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1.2rem; }
    .narrow { max-width: 40rem; margin: 2rem auto; }
    .summary { font-size: 1.1rem; }
    .filters { display: flex; flex-wrap: wrap; gap: .8rem; align-items: end; margin: .6rem 0 1rem; }
    select, input, button, .button { font: inherit; padding: .35rem .6rem; border-radius: 6px; border: 1px solid #999; }
    button, .button { background: var(--blue); color: #fff; border-color: var(--blue); cursor: pointer; text-decoration: none; display: inline-block; }
    .secondary { background: #fff; color: var(--blue); }
    table.queue { border-collapse: collapse; width: 100%; background: #fff; }
    .queue th, .queue td { border-bottom: 1px solid var(--line); padding: .45rem .6rem; text-align: left; vertical-align: top; }
    .queue td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .queue td.rules { color: var(--bad); font-size: .9rem; }
    .note { color: var(--warn); font-size: .85rem; }
    .badge { padding: .05rem .5rem; border-radius: 1rem; font-size: .85rem; white-space: nowrap; }
    .badge.verified, .badge.done { background: var(--okbg); color: var(--ok); }
    .badge.corrected { background: #e3ecfd; color: var(--blue); }
    .badge.review { background: var(--badbg); color: var(--bad); }
    .badge.missing { background: #f5e3f5; color: #8a008a; }
    .screen { display: grid; grid-template-columns: minmax(0, 1.25fr) minmax(22rem, 1fr); gap: 1rem; align-items: start; }
    @media (max-width: 900px) { .screen { grid-template-columns: 1fr; } }
    .pageview svg { width: 100%; height: auto; max-height: 78vh; background: #fff; border: 1px solid var(--line); display: block; }
    .pageview rect.box { fill: none; stroke: #e00; stroke-width: 5; }
    .hint { color: var(--muted); font-size: .85rem; }
    .panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem; }
    .where { color: var(--muted); margin: 0; }
    .reading { font-size: 1.15rem; }
    .reading strong { font-size: 1.6rem; }
    .boxes { display: flex; gap: .6rem; }
    .boxes figure { margin: 0; flex: 1; text-align: center; }
    .boxes img { width: 100%; max-width: 11rem; border: 2px solid #e00; background: #fff; }
    .boxes figcaption span { display: block; font-size: .85rem; }
    figure.words { margin: .6rem 0 0; }
    figure.words img { width: 100%; border: 1px solid #999; background: #fff; }
    figure.words figcaption { font-size: .85rem; }
    .boxname { color: var(--muted); }
    .cands { font-weight: 600; }
    .votes { color: var(--muted); }
    ul.rules { list-style: none; padding: 0; margin: .2rem 0; }
    li.rule { padding: .35rem .6rem; margin: .25rem 0; border-radius: 6px; border-left: 6px solid; }
    li.rule.pass { background: var(--okbg); border-color: var(--ok); }
    li.rule.fail { background: var(--badbg); border-color: var(--bad); }
    li.rule.unknown { background: var(--warnbg); border-color: var(--warn); }
    .verdict { font-weight: 700; padding: .4rem .6rem; border-radius: 6px; }
    .verdict.pass { background: var(--okbg); color: var(--ok); }
    .verdict.fail { background: var(--badbg); color: var(--bad); }
    .verdict.unknown { background: var(--warnbg); color: var(--warn); }
    label.big { display: block; font-size: 1.1rem; margin-top: .8rem; }
    label.big input { font-size: 2rem; width: 6ch; text-align: center; letter-spacing: .15em; margin: 0 .5rem; }
    label.small { display: block; font-size: .9rem; margin-top: .6rem; }
    label.small input { width: 100%; }
    .help { color: var(--muted); font-size: .9rem; }
    .error { background: var(--badbg); color: var(--bad); padding: .5rem .7rem; border-radius: 6px; font-weight: 600; }
    .banner { border-radius: 8px; padding: .6rem 1rem; margin-bottom: 1rem; border: 1px solid var(--line); background: #fff; }
    .banner p { margin: .2rem 0; }
    .banner form { margin-top: .4rem; }
    .answered { color: var(--blue); }
    .recap, .stage { padding: .3rem .6rem; border-radius: 6px; border-left: 4px solid var(--warn); background: var(--warnbg); }
    .recap.pass { border-color: var(--ok); background: var(--okbg); }
    .recap.fail, .stage.fail { border-color: var(--bad); background: var(--badbg); }
    ul.entries { margin: .3rem 0 .6rem 1.2rem; font-size: 1.1rem; }
    .nav a { color: var(--blue); }
    """

    /// Keyboard first: the number box has the focus; Enter sends it (the rules shown turn
    /// green or red at once, then the next field opens); + zooms the page; Ctrl+Z undoes the
    /// last answer; PageDown skips; Esc goes back to the queue.
    static let js = """
    (function () {
      "use strict";
      var svg = document.getElementById("page");
      var views = svg ? svg.getAttribute("data-views").split("|") : [];
      var view = 0;
      function zoom() { if (!svg) return; view = (view + 1) % views.length; svg.setAttribute("viewBox", views[view]); }
      var zb = document.getElementById("zoom");
      if (zb) zb.addEventListener("click", zoom);
      if (svg) svg.addEventListener("click", zoom);
      function rulesHTML(list, target) {
        target.textContent = "";
        list.forEach(function (r) {
          var li = document.createElement("li");
          li.className = "rule " + r.outcome;
          li.textContent = r.text;
          target.appendChild(li);
        });
      }
      var form = document.getElementById("answer");
      var input = document.getElementById("value");
      var error = document.getElementById("error");
      var busy = false;
      if (form && window.fetch) {
        form.addEventListener("submit", function (ev) {
          ev.preventDefault();
          if (busy) return;
          busy = true;
          error.hidden = true;
          var body = new URLSearchParams(new FormData(form));
          fetch("/answer", { method: "POST", body: body, credentials: "same-origin",
                             headers: { "Accept": "application/json", "X-CSRF-Token": body.get("csrf") } })
            .then(function (res) { return res.json().then(function (j) { return { ok: res.ok, j: j }; }); })
            .then(function (r) {
              if (!r.ok) { busy = false; error.textContent = r.j.error; error.hidden = false; input.select(); return; }
              rulesHTML(r.j.rules, document.getElementById("rules"));
              var v = document.getElementById("verdict");
              v.className = "verdict " + r.j.verdict;
              v.textContent = r.j.verdictText;
              document.body.setAttribute("data-answered", "1");
              setTimeout(function () { window.location.assign(r.j.next); }, 600);
            })
            .catch(function () { busy = false; form.submit(); });
        });
      }
      document.addEventListener("keydown", function (ev) {
        if (ev.key === "+" ) { ev.preventDefault(); zoom(); return; }
        if (ev.key === "Escape") { ev.preventDefault(); window.location.assign("/"); return; }
        if (ev.key === "PageDown") {
          var skip = document.getElementById("skip");
          if (skip) { ev.preventDefault(); window.location.assign(skip.href); }
          return;
        }
        if ((ev.ctrlKey || ev.metaKey) && ev.key === "z" && (!input || input.value === "")) {
          var undo = document.getElementById("undo-form");
          if (undo) { ev.preventDefault(); undo.submit(); }
          return;
        }
        if (ev.key === "Enter" && !form && !/^(INPUT|SELECT|BUTTON|TEXTAREA|A)$/.test(ev.target.tagName)) {
          var next = document.getElementById("next-station") || document.getElementById("first");
          if (next) { ev.preventDefault(); window.location.assign(next.href); }
        }
      });
      if (input) { input.focus(); }
      document.body.setAttribute("data-ready", "1");
    })();
    """
}
