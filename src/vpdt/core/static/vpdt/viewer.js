/* The document viewer beside the action panel (templates/core/_viewer.html), drawn with pdf.js (vendored in
 * static/vendor/pdfjs, legacy build, served by vpdt itself like everything else).
 *
 *   [data-viewer]              the viewer; data-pdfjs / data-worker / data-wasm / data-fonts / data-cmaps: where
 *                              pdf.js and its data live; data-text-*: its sentences, translated by the template
 *   [data-viewer-tab]          one file: data-src (the authorized download view, inline), data-download,
 *                              data-kind ("pdf", "image", "other"), data-name, data-group (page of several documents)
 *   [data-viewer-show="key"]   anywhere on the page: shows the files of group "key" (a card of a queue)
 *   [data-viewer-toggle]       below 768 px the viewer is folded behind this button
 *
 * One page of a PDF at a time, on a canvas with pdf.js' text layer over it (the text can be selected, copied and
 * found with the browser's own search); the zoom ("fit" = the width of the frame, or a factor) is kept in
 * localStorage so every document opens at the level the person chose last. The state of the stage is written in
 * data-state ("loading", "ready", "other", "error"), the page drawn last in data-rendered and the page whose text
 * layer is laid last in data-text.
 *
 * A PDF that does not embed its fonts (Word's Times New Roman, Arial, often) is drawn with pdf.js' standard fonts,
 * and one in an Asian encoding with its CMaps, both vendored beside pdf.js.
 */
(function () {
  "use strict";

  var ZOOM_KEY = "vpdt.viewer.zoom";
  var STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];
  var library = null;

  function loadPdfjs(root) {
    if (library) {
      return library;
    }
    library = new Promise(function (resolve, reject) {
      if (window.pdfjsLib) {
        resolve(window.pdfjsLib);
        return;
      }
      if (!("noModule" in HTMLScriptElement.prototype)) {
        reject(new Error("old-browser"));
        return;
      }
      var script = document.createElement("script");
      script.type = "module";
      script.src = root.dataset.pdfjs;
      script.addEventListener("load", function () {
        if (window.pdfjsLib) {
          window.pdfjsLib.GlobalWorkerOptions.workerSrc = root.dataset.worker;
          resolve(window.pdfjsLib);
        } else {
          reject(new Error("no-pdfjs"));
        }
      });
      script.addEventListener("error", function () { reject(new Error("no-pdfjs")); });
      document.head.appendChild(script);
    });
    return library;
  }

  function absolute(path) {
    return new URL(path, document.baseURI).href;  // the worker fetches the fonts and CMaps from its own address
  }

  function storedZoom() {
    try {
      var value = window.localStorage.getItem(ZOOM_KEY);
      if (value === null || value === "fit") {
        return "fit";
      }
      var number = Number(value);
      return number >= STEPS[0] && number <= STEPS[STEPS.length - 1] ? number : "fit";
    } catch (error) {
      return "fit";  // storage refused (private browsing): the zoom is simply not remembered
    }
  }

  function storeZoom(value) {
    try {
      window.localStorage.setItem(ZOOM_KEY, String(value));
    } catch (error) {
      /* not remembered, still applied */
    }
  }

  function Viewer(root) {
    this.root = root;
    this.body = root.querySelector(".vpdt-viewer-body");
    this.tabs = Array.prototype.slice.call(root.querySelectorAll("[data-viewer-tab]"));
    this.stage = root.querySelector("[data-viewer-stage]");
    this.sheet = root.querySelector("[data-viewer-sheet]");
    this.canvas = root.querySelector("[data-viewer-canvas]");
    this.textLayer = root.querySelector("[data-viewer-text-layer]");
    this.image = root.querySelector("[data-viewer-image]");
    this.message = root.querySelector("[data-viewer-message]");
    this.text = root.querySelector("[data-viewer-text]");
    this.downloads = Array.prototype.slice.call(root.querySelectorAll("[data-viewer-download]"));
    this.downloadName = root.querySelector("[data-viewer-download-name]");
    this.opener = root.querySelector("[data-viewer-open]");
    this.pageLabel = root.querySelector("[data-viewer-page]");
    this.zoomLabel = root.querySelector("[data-viewer-zoom]");
    this.prevButton = root.querySelector("[data-viewer-prev]");
    this.nextButton = root.querySelector("[data-viewer-next]");
    this.fitButton = root.querySelector("[data-viewer-fit]");
    this.documents = {};  // data-src -> promise of the pdf.js document, loaded once per page view
    this.pages = {};  // data-src -> page last shown
    this.tab = null;
    this.pdf = null;
    this.page = 1;
    this.count = 0;
    this.scale = 1;  // the factor the page is drawn at now (what "fit" came to)
    this.zoom = storedZoom();
    this.task = null;
    this.laying = null;  // the text layer being laid
    this.turn = 0;  // each request to draw; an answer to an older one is dropped
    this.width = 0;
    this.started = false;
    if (this.tabs.length) {
      this.bind();
      this.showZoom();
      this.whenVisible();
    }
  }

  Viewer.prototype.t = function (name) {
    return this.root.dataset["text" + name.charAt(0).toUpperCase() + name.slice(1)] || "";
  };

  Viewer.prototype.bind = function () {
    var self = this;
    this.tabs.forEach(function (tab) {
      tab.addEventListener("click", function () { self.select(tab); });
    });
    this.root.querySelector("[role=tablist]").addEventListener("keydown", function (event) {
      var visible = self.visibleTabs();
      var at = visible.indexOf(event.target.closest("[data-viewer-tab]"));
      var to = {ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: visible.length - 1}[event.key];
      if (at < 0 || to === undefined) {
        return;
      }
      event.preventDefault();
      var tab = visible[(to + visible.length) % visible.length];
      tab.focus();
      self.select(tab);
    });
    this.prevButton.addEventListener("click", function () { self.go(self.page - 1); });
    this.nextButton.addEventListener("click", function () { self.go(self.page + 1); });
    this.root.querySelector("[data-viewer-zoom-in]").addEventListener("click", function () { self.step(1); });
    this.root.querySelector("[data-viewer-zoom-out]").addEventListener("click", function () { self.step(-1); });
    this.fitButton.addEventListener("click", function () { self.setZoom("fit"); });
    var toggle = this.root.querySelector("[data-viewer-toggle]");
    toggle.addEventListener("click", function () {
      var open = !self.root.classList.contains("is-open");
      self.root.classList.toggle("is-open", open);
      toggle.setAttribute("aria-expanded", String(open));
      self.whenVisible();
    });
    // While a selection is being drawn, pdf.js' style sheet stretches the end of the text layer over the page so
    // the selection does not jump to the top (what its own viewer does).
    this.textLayer.addEventListener("mousedown", function () { self.textLayer.classList.add("selecting"); });
    document.addEventListener("mouseup", function () { self.textLayer.classList.remove("selecting"); });
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () { self.whenVisible(); }, 150);
    });
    document.addEventListener("click", function (event) {
      var shower = event.target.closest("[data-viewer-show]");
      if (shower) {
        self.showGroup(shower.dataset.viewerShow, true);
      }
    });
  };

  Viewer.prototype.visibleTabs = function () {
    return this.tabs.filter(function (tab) { return !tab.parentElement.hidden; });
  };

  Viewer.prototype.isVisible = function () {
    return this.body.getClientRects().length > 0;
  };

  /* Nothing is fetched while the viewer is folded (a phone); once shown, the first file opens, and a change of
   * width redraws the page when it fits the frame. */
  Viewer.prototype.whenVisible = function () {
    if (!this.isVisible()) {
      return;
    }
    if (!this.started) {
      this.started = true;
      var groups = this.root.querySelectorAll("[data-viewer-caption]");
      if (groups.length) {
        this.showGroup(groups[0].dataset.viewerCaption, false);
      } else {
        this.select(this.tabs[0]);
      }
      return;
    }
    var width = this.stage.clientWidth;
    if (width !== this.width && this.zoom === "fit") {
      this.draw();
    }
  };

  Viewer.prototype.showGroup = function (key, reveal) {
    var first = null;
    this.tabs.forEach(function (tab) {
      var mine = tab.dataset.group === key;
      tab.parentElement.hidden = !mine;
      if (mine && !first) {
        first = tab;
      }
    });
    this.root.querySelectorAll("[data-viewer-caption]").forEach(function (caption) {
      caption.hidden = caption.dataset.viewerCaption !== key;
    });
    document.querySelectorAll("[data-viewer-show]").forEach(function (shower) {
      var on = shower.dataset.viewerShow === key;
      shower.setAttribute("aria-pressed", String(on));
      var card = shower.closest("[data-viewer-card]");
      if (card) {
        card.classList.toggle("border-primary", on);
      }
    });
    if (reveal) {
      this.root.classList.add("is-open");
      this.root.querySelector("[data-viewer-toggle]").setAttribute("aria-expanded", "true");
      this.started = true;
      if (this.root.getBoundingClientRect().top < 0 || window.innerWidth < 992) {
        this.root.scrollIntoView({block: "start"});
      }
    }
    if (first) {
      this.select(first);
    } else {
      this.say(this.t("empty"), false);
    }
  };

  Viewer.prototype.select = function (tab) {
    if (this.tab) {
      this.pages[this.tab.dataset.src] = this.page;
    }
    this.tabs.forEach(function (other) {
      var on = other === tab;
      other.classList.toggle("active", on);
      other.setAttribute("aria-selected", String(on));
      other.tabIndex = on ? 0 : -1;
    });
    this.tab = tab;
    this.stage.setAttribute("aria-labelledby", tab.id);
    var name = tab.dataset.name;
    this.downloads.forEach(function (link) { link.href = tab.dataset.download; });
    this.downloadName.textContent = name;
    this.opener.href = tab.dataset.src;
    this.opener.hidden = tab.dataset.kind === "other";
    this.open(tab);
  };

  Viewer.prototype.setState = function (state) {
    this.stage.dataset.state = state;
  };

  Viewer.prototype.say = function (text, failed) {
    this.turn += 1;
    this.sheet.hidden = true;
    this.image.hidden = true;
    this.message.hidden = false;
    this.text.textContent = text;
    this.setState(failed ? "error" : "other");
    this.count = 0;
    this.pdf = null;
    this.showPage();
  };

  Viewer.prototype.open = function (tab) {
    var self = this;
    var src = tab.dataset.src;
    var kind = tab.dataset.kind;
    this.pdf = null;
    this.turn += 1;
    if (kind === "image") {
      this.openImage(tab);
      return;
    }
    if (kind !== "pdf") {
      this.say(this.t("other"), false);
      return;
    }
    var turn = this.turn;
    this.setState("loading");
    this.text.textContent = this.t("loading");
    this.message.hidden = false;
    this.image.hidden = true;
    if (!this.documents[src]) {
      this.documents[src] = loadPdfjs(this.root).then(function (pdfjs) {
        return pdfjs.getDocument({
          url: src,
          useWasm: false,  // the decoders' JavaScript versions: WebAssembly would need 'wasm-unsafe-eval'
          wasmUrl: absolute(self.root.dataset.wasm),
          standardFontDataUrl: absolute(self.root.dataset.fonts),
          cMapUrl: absolute(self.root.dataset.cmaps),
          cMapPacked: true,
          stopAtErrors: false,
        }).promise;
      });
    }
    this.documents[src].then(function (pdf) {
      if (turn !== self.turn) {
        return;
      }
      self.pdf = pdf;
      self.count = pdf.numPages;
      self.page = Math.min(self.pages[src] || 1, self.count);
      self.draw();
    }, function (error) {
      delete self.documents[src];
      if (turn !== self.turn) {
        return;
      }
      var name = error && error.name;
      var text = self.t("failed");
      if (name === "PasswordException") {
        text = self.t("password");
      } else if (error && (error.message === "old-browser" || error.message === "no-pdfjs")) {
        text = self.t("old");
      }
      self.say(text, true);
    });
  };

  Viewer.prototype.openImage = function (tab) {
    var self = this;
    var turn = this.turn;
    this.sheet.hidden = true;
    this.setState("loading");
    this.count = 1;
    this.page = 1;
    this.image.alt = tab.dataset.name;
    this.image.onload = function () {
      if (turn !== self.turn) {
        return;
      }
      self.message.hidden = true;
      self.image.hidden = false;
      self.sizeImage();
      self.setState("ready");
      self.stage.dataset.rendered = "1";
      self.showPage();
    };
    this.image.onerror = function () {
      if (turn === self.turn) {
        self.say(self.t("failed"), true);
      }
    };
    if (this.image.complete && this.image.naturalWidth && this.image.getAttribute("src") === tab.dataset.src) {
      this.image.onload();  // the same image again (back to its tab): no new load event
    } else {
      this.image.src = tab.dataset.src;
    }
  };

  Viewer.prototype.frameWidth = function () {
    var style = window.getComputedStyle(this.stage);
    var padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    return Math.max(120, this.stage.clientWidth - padding - 2);
  };

  Viewer.prototype.sizeImage = function () {
    var natural = this.image.naturalWidth || 1;
    this.width = this.stage.clientWidth;
    this.scale = this.zoom === "fit" ? Math.min(1, this.frameWidth() / natural) : this.zoom;
    this.image.style.width = Math.round(natural * this.scale) + "px";
    this.showZoom();
  };

  Viewer.prototype.draw = function () {
    if (this.tab && this.tab.dataset.kind === "image") {
      if (!this.image.hidden) {
        this.sizeImage();
      }
      return;
    }
    if (!this.pdf) {
      return;
    }
    var self = this;
    var turn = ++this.turn;
    var number = this.page;
    this.showPage();
    this.pdf.getPage(number).then(function (page) {
      if (turn !== self.turn) {
        return null;
      }
      var natural = page.getViewport({scale: 1});
      self.width = self.stage.clientWidth;
      self.scale = self.zoom === "fit" ? self.frameWidth() / natural.width : self.zoom;
      var viewport = page.getViewport({scale: self.scale});
      var ratio = window.devicePixelRatio || 1;
      if (self.task) {
        self.task.cancel();
      }
      self.clearText();
      var canvas = self.canvas;
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = Math.floor(viewport.width) + "px";
      canvas.style.height = Math.floor(viewport.height) + "px";
      self.sheet.style.setProperty("--scale-factor", String(viewport.scale));
      self.sheet.style.setProperty("--user-unit", String(viewport.userUnit || 1));
      self.task = page.render({
        canvas: canvas,
        canvasContext: canvas.getContext("2d"),
        viewport: viewport,
        transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null,
      });
      self.showZoom();
      return self.task.promise.then(function () {
        if (turn !== self.turn) {
          return;
        }
        self.task = null;
        self.message.hidden = true;
        self.sheet.hidden = false;
        self.setState("ready");
        self.stage.dataset.rendered = String(number);
        self.layText(page, viewport, number, turn);
      });
    }).catch(function (error) {
      if (error && error.name === "RenderingCancelledException") {
        return;
      }
      if (turn === self.turn) {
        self.say(self.t("failed"), true);
      }
    });
  };

  Viewer.prototype.clearText = function () {
    if (this.laying) {
      this.laying.cancel();
      this.laying = null;
    }
    this.textLayer.replaceChildren();
    delete this.stage.dataset.text;
  };

  /* pdf.js' text layer over the drawn page: the text, transparent, where the canvas shows it. A page without
   * text (a scan without OCR) simply has none; a failure leaves the drawn page as it is. */
  Viewer.prototype.layText = function (page, viewport, number, turn) {
    var self = this;
    var layer = new window.pdfjsLib.TextLayer({
      textContentSource: page.streamTextContent({includeMarkedContent: true, disableNormalization: true}),
      container: this.textLayer,
      viewport: viewport,
    });
    this.laying = layer;
    layer.render().then(function () {
      if (turn !== self.turn) {
        return;
      }
      self.laying = null;
      var end = document.createElement("div");
      end.className = "endOfContent";
      self.textLayer.appendChild(end);
      self.stage.dataset.text = String(number);
    }, function () {
      if (self.laying === layer) {
        self.laying = null;
      }
    });
  };

  Viewer.prototype.go = function (number) {
    if (!this.pdf || number < 1 || number > this.count || number === this.page) {
      return;
    }
    this.page = number;
    this.stage.scrollTop = 0;
    this.draw();
  };

  Viewer.prototype.showPage = function () {
    this.pageLabel.textContent = this.count ? this.t("page") + " " + this.page + "/" + this.count : "";
    if (this.tab) {
      this.canvas.setAttribute("aria-label", this.tab.dataset.name + " — " + this.pageLabel.textContent);
    }
    this.prevButton.disabled = !this.count || this.page <= 1;
    this.nextButton.disabled = !this.count || this.page >= this.count;
  };

  Viewer.prototype.showZoom = function () {
    var fit = this.zoom === "fit";
    this.zoomLabel.textContent = fit ? this.t("fit") : Math.round(this.zoom * 100) + "%";
    this.fitButton.setAttribute("aria-pressed", String(fit));
    this.root.dataset.zoom = String(this.zoom);
  };

  Viewer.prototype.step = function (direction) {
    var now = this.scale || 1;
    var next = direction > 0
      ? STEPS.find(function (value) { return value > now + 0.001; })
      : STEPS.slice().reverse().find(function (value) { return value < now - 0.001; });
    if (next !== undefined) {
      this.setZoom(next);
    }
  };

  Viewer.prototype.setZoom = function (value) {
    this.zoom = value;
    storeZoom(value);
    this.showZoom();
    this.draw();
  };

  function start() {
    document.querySelectorAll("[data-viewer]").forEach(function (root) {
      root.viewer = new Viewer(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
