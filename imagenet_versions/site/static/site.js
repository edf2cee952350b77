/* imagenet_versions reference site: search, compare, the family diagram's filters,
   and withheld labels shown on a deliberate click. No external resources. */
"use strict";
(function () {
  var ROOT = document.documentElement.getAttribute("data-root") || "";
  window.IVData = window.IVData || {};
  var loading = {};

  function load(name) {  // data/<name>.js sets IVData[name]; <script> works from file:// too
    if (!loading[name]) {
      loading[name] = new Promise(function (ok, fail) {
        var s = document.createElement("script");
        s.src = ROOT + "data/" + name + ".js";
        s.onload = function () { ok(window.IVData[name]); };
        s.onerror = function () { fail(new Error("cannot load data/" + name + ".js")); };
        document.head.appendChild(s);
      });
    }
    return loading[name];
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(n) { return n.toLocaleString("en-US"); }

  /* ---- withheld labels: the text is in data/withheld.js, fetched on click only ---- */
  function reveal(btn) {
    var w = btn.getAttribute("data-wnid");
    load("withheld").then(function (data) {
      var rec = data[w] || {};
      document.querySelectorAll('[data-withheld="' + w + '"]').forEach(function (x) {
        var v = rec[x.getAttribute("data-field") || "label"];
        if (v !== undefined) { x.textContent = v; x.classList.remove("withheld"); }
      });
      document.querySelectorAll('button.reveal[data-wnid="' + w + '"]').forEach(function (b) { b.remove(); });
    });
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button.reveal");
    if (b) { ev.preventDefault(); reveal(b); }
  });

  /* ---- search: a prebuilt index; withheld lemmas only as hashed tokens ---- */
  function fnv(bytes, h) {
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 16777619) >>> 0; }
    return ("0000000" + h.toString(16)).slice(-8);
  }
  function normLemma(q) { return q.trim().toLowerCase().replace(/[\s_]+/g, " "); }
  function normId(q) { return q.toLowerCase().replace(/[^a-z0-9%]/g, ""); }
  function token(q, salt) {
    var b = new TextEncoder().encode(salt + normLemma(q));
    return fnv(b, 2166136261) + fnv(b, 3735928559);
  }
  function rank(hay, q) { return hay === q ? 0 : hay.indexOf(q) === 0 ? 1 : hay.indexOf(q) > 0 ? 2 : -1; }

  function search(ix, q) {
    var out = [], nq = normId(q), lq = normLemma(q);
    if (!lq) return out;
    ix.versions.forEach(function (v) {
      var best = -1;
      [v[0], v[1]].concat(v[2]).forEach(function (a) {
        var r = rank(normId(a), nq);
        if (r >= 0 && (best < 0 || r < best)) best = r;
      });
      if (best >= 0 && nq) out.push({score: best, kind: "version", id: v[0], text: v[1]});
    });
    if (/^n\d{8}$/.test(lq)) {
      ix.classes.forEach(function (c) { if (c[0] === lq) out.push({score: 0, kind: "class", id: c[0], text: c[1]}); });
      if (ix.withheld_wnids.indexOf(lq) >= 0) out.push({score: 0, kind: "class", id: lq, withheld: true});
    } else {
      var hits = ix.tokens[token(lq, ix.salt)] || [];
      hits.forEach(function (w) { out.push({score: 3, kind: "class", id: w, withheld: true}); });
      ix.classes.forEach(function (c) {
        var best = -1;
        c[1].split("; ").forEach(function (l) {
          var r = rank(l.toLowerCase(), lq);
          if (r >= 0 && (best < 0 || r < best)) best = r;
        });
        if (best >= 0 && (best < 2 || lq.length >= 3)) out.push({score: 3 + best, kind: "class", id: c[0], text: c[1]});
      });
    }
    out.sort(function (a, b) { return a.score - b.score || (a.id < b.id ? -1 : 1); });
    return out;
  }

  function resultItem(r) {
    var li = el("li");
    var href = ROOT + (r.kind === "version" ? "v/" : "c/") + r.id + ".html";
    li.appendChild(el("a", {href: href, class: r.kind === "class" ? "wnid" : ""}, r.id));
    li.appendChild(document.createTextNode(" "));
    if (r.withheld) li.appendChild(el("span", {class: "withheld"}, "label withheld (found offensive by Yang et al. 2020)"));
    else li.appendChild(el("span", {}, (r.kind === "version" ? "version: " : "") + r.text));
    return li;
  }

  function searchForm() {  // added here, not written into each of ~22 K pages
    var h = document.querySelector("header");
    [["compare.html", "compare"], ["search.html", "search"]].forEach(function (l) {
      h.appendChild(document.createTextNode(" "));
      h.appendChild(el("a", {href: ROOT + l[0]}, l[1]));
    });
    var f = el("form", {class: "search", action: ROOT + "search.html", method: "get", role: "search"});
    f.appendChild(el("input", {type: "search", name: "q", placeholder: "version, alias, wnid or lemma", "aria-label": "search"}));
    f.appendChild(el("button", {type: "submit"}, "search"));
    document.querySelector("header").appendChild(f);
    return f.querySelector("input");
  }

  function searchPage(box, input) {
    var q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    load("search").then(function (ix) {
      function run() {
        var rs = search(ix, input.value), list = el("ul", {class: "results"});
        box.innerHTML = "";
        box.appendChild(el("p", {id: "search-count"}, input.value.trim() ? fmt(rs.length) + " result(s)" + (rs.length > 200 ? ", first 200 shown" : "") : ""));
        rs.slice(0, 200).forEach(function (r) { list.appendChild(resultItem(r)); });
        box.appendChild(list);
      }
      input.addEventListener("input", run);
      run();
    });
  }

  /* ---- family diagram: filter by operation kind and by flagged status ---- */
  function diagram(root) {
    var meta = JSON.parse(document.getElementById("diagram-data").textContent);
    function apply() {
      var ops = {}, status = document.getElementById("flag-filter").value;
      document.querySelectorAll(".filters input[data-op]").forEach(function (c) { ops[c.getAttribute("data-op")] = c.checked; });
      Object.keys(meta.edges).forEach(function (id) {
        var g = document.getElementById(id);
        if (!g) return;
        var show = meta.edges[id].ops.some(function (o) { return ops[o]; });
        g.classList.toggle("hidden", !show);
      });
      Object.keys(meta.nodes).forEach(function (id) {
        var g = document.getElementById(id);
        if (g) g.classList.toggle("dim", status !== "all" && meta.nodes[id].status !== status);
      });
    }
    document.querySelectorAll(".filters input, #flag-filter").forEach(function (c) { c.addEventListener("change", apply); });
    apply();
  }

  /* ---- compare: the category diff of any two versions, explained by the path ---- */
  function comparePage(box) {
    Promise.all([load("compare"), load("search")]).then(function (d) { compare(box, d[0], d[1]); });
  }

  function compare(box, C, ix) {
    var names = {}, withheld = new Set(C.withheld);
    ix.classes.forEach(function (c) { names[c[0]] = c[1]; });
    var selA = document.getElementById("cmp-a"), selB = document.getElementById("cmp-b");
    function fromHash() {
      var p = new URLSearchParams(location.hash.slice(1));
      if (p.get("a") && C.versions[p.get("a")]) selA.value = p.get("a");
      if (p.get("b") && C.versions[p.get("b")]) selB.value = p.get("b");
    }
    function path(a, b) {
      if (a === b) return [];
      var key = a < b ? a + "|" + b : b + "|" + a, p = C.paths[key];
      if (p === null || p === undefined) return null;
      if (a < b) return p;
      return p.slice().reverse().map(function (s) { return [s[0], 1 - s[1]]; });
    }
    function reach(p, ca) {  // labels each class of a reaches through the path's relabels
      var r = new Map();
      ca.forEach(function (w) { r.set(w, [w]); });
      p.forEach(function (s) {
        var rl = C.relabels[s[0]];
        if (!rl) return;
        (s[1] ? rl.slice().reverse() : rl).forEach(function (op) {
          var m = new Map(), inv = new Map();
          op.forEach(function (t) { m.set(t[0], t[1]); if (t[2]) { if (!inv.has(t[1])) inv.set(t[1], []); inv.get(t[1]).push(t[0]); } });
          r.forEach(function (xs, w) {
            var next = new Set();
            xs.forEach(function (x) {
              if (s[1] === 0) next.add(m.has(x) ? m.get(x) : x);
              else (inv.get(x) || [x]).forEach(function (y) { next.add(y); });
            });
            r.set(w, Array.from(next));
          });
        });
      });
      return r;
    }
    function eventsFor(p) {  // wnid index -> events on the path's edges (parent -> child reading)
      var ev = new Map();
      (p || []).forEach(function (s) {
        var e = C.edges[s[0]];
        e[3].forEach(function (g) {
          g[3].forEach(function (i) {
            if (!ev.has(i)) ev.set(i, []);
            ev.get(i).push({parent: e[0], child: e[1], op: g[0], effect: g[1] ? "introduced" : "dropped", reason: C.reasons[g[2]]});
          });
        });
      });
      return ev;
    }
    function label(i) {
      var w = C.union[i];
      return names[w] !== undefined ? names[w] : (withheld.has(i) ? null : "");
    }
    function wnidItem(i, why) {
      var li = el("li"), w = C.union[i], lab = label(i);
      li.appendChild(el("a", {href: ROOT + "c/" + w + ".html", class: "wnid"}, w));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(lab === null ? el("span", {class: "withheld"}, "label withheld") : el("span", {}, lab));
      if (why) li.appendChild(el("span", {class: "muted"}, " \u2190 " + why));
      return li;
    }
    function section(title, ids, ev, id) {
      var s = el("section", {id: id});
      s.appendChild(el("h2", {}, title + " (" + fmt(ids.length) + ")"));
      var groups = new Map();
      ids.forEach(function (i) {
        var e = (ev.get(i) || [])[0];
        var k = e ? e.effect + " by " + e.op + " on " + e.parent + " \u2192 " + e.child + ": " + e.reason : "no event on the path";
        groups.set(k, (groups.get(k) || 0) + 1);
      });
      if (groups.size) {
        var t = el("table");
        t.appendChild(el("tr")).append(el("th", {class: "n"}, "classes"), el("th", {}, "explained by"));
        groups.forEach(function (n, k) { t.appendChild(el("tr")).append(el("td", {class: "n"}, fmt(n)), el("td", {}, k)); });
        s.appendChild(t);
      }
      var ul = el("ul", {class: "events"}), shown = Math.min(ids.length, 300);
      ids.slice(0, shown).forEach(function (i) {
        var e = (ev.get(i) || [])[0];
        ul.appendChild(wnidItem(i, e ? e.effect + " by " + e.op + " on " + e.parent + " \u2192 " + e.child + ": " + e.reason : ""));
      });
      s.appendChild(ul);
      if (ids.length > shown) {
        var more = el("button", {type: "button"}, "show all " + fmt(ids.length));
        more.addEventListener("click", function () {
          ids.slice(shown).forEach(function (i) { var e = (ev.get(i) || [])[0]; ul.appendChild(wnidItem(i, e ? e.effect + " by " + e.op + " on " + e.parent + " \u2192 " + e.child + ": " + e.reason : "")); });
          more.remove();
        });
        s.appendChild(more);
      }
      return s;
    }
    function run() {
      var a = selA.value, b = selB.value;
      history.replaceState(null, "", "#a=" + encodeURIComponent(a) + "&b=" + encodeURIComponent(b));
      box.innerHTML = "";
      var ca = C.versions[a], cb = C.versions[b];
      if (!ca || !cb) {
        box.appendChild(el("p", {id: "cmp-summary"}, "The categories of " + (ca ? b : a) + " are not known, so no diff can be given."));
        return;
      }
      var p = path(a, b), sa = new Set(ca), sb = new Set(cb), pairs = [];
      if (p && p.length) {
        var r = reach(p, ca);
        ca.forEach(function (w) { r.get(w).slice().sort(function (x, y) { return C.union[x] < C.union[y] ? -1 : 1; }).forEach(function (t) { if (t !== w && sb.has(t)) pairs.push([w, t]); }); });
      }
      var relA = new Set(pairs.map(function (q) { return q[0]; })), relB = new Set(pairs.map(function (q) { return q[1]; }));
      var removed = ca.filter(function (w) { return !sb.has(w) && !relA.has(w); });
      var added = cb.filter(function (w) { return !sa.has(w) && !relB.has(w); });
      var common = ca.filter(function (w) { return sb.has(w); }).length;
      var ev = eventsFor(p);
      box.appendChild(el("p", {id: "cmp-summary"}, a + " \u2192 " + b + ": " + fmt(removed.length) + " removed, " + fmt(added.length) + " added, " + fmt(common) + " common, " + fmt(pairs.length) + " relabelled"));
      var pp = el("p");
      if (p === null) pp.textContent = "No derivation path: the two versions share no ancestor, so nothing explains the difference.";
      else if (p.length) {
        pp.appendChild(document.createTextNode("Path: "));
        p.forEach(function (s, k) {
          var e = C.edges[s[0]];
          pp.appendChild(document.createTextNode((k ? "; " : "") + (s[1] ? "up " + e[1] + " \u2192 " + e[0] : "down " + e[0] + " \u2192 " + e[1]) + " (" + e[2] + ")"));
        });
      }
      box.appendChild(pp);
      box.appendChild(section("Removed", removed, ev, "cmp-removed"));
      box.appendChild(section("Added", added, ev, "cmp-added"));
      if (pairs.length) {
        var s = el("section", {id: "cmp-relabelled"}), ul = el("ul");
        s.appendChild(el("h2", {}, "Relabelled (" + fmt(pairs.length) + ")"));
        pairs.slice(0, 300).forEach(function (q) { var li = wnidItem(q[0]); li.appendChild(document.createTextNode(" \u2192 " + C.union[q[1]])); ul.appendChild(li); });
        s.appendChild(ul);
        box.appendChild(s);
      }
    }
    fromHash();
    selA.addEventListener("change", run);
    selB.addEventListener("change", run);
    window.addEventListener("hashchange", function () { fromHash(); run(); });
    run();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = searchForm();
    var s = document.getElementById("search-results");
    if (s) searchPage(s, input);
    var d = document.getElementById("diagram");
    if (d) diagram(d);
    var c = document.getElementById("compare");
    if (c) comparePage(c);
  });
})();
