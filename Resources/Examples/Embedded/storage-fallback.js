// SPDX-License-Identifier: AGPL-3.0-or-later
// Shape 4, for a portal of another site: append these lines to OHIF's app-config.js
// (cat storage-fallback.js >> dist/app-config.js). app-config.js runs before OHIF's
// bundle, which reads window.localStorage at start-up without guarding the read (its
// hotkeys manager, among others). A browser that refuses storage to a frame of another
// site than the page's makes that read throw "Failed to read the 'localStorage' property
// from 'Window': Access is denied for this document", and OHIF 3.13 stops before drawing
// anything. Where the read throws, and only there, these lines put an in-memory store in
// its place: the viewer starts, and what it would have remembered (tours seen, hotkeys,
// preferences) lasts as long as the page. The same refusal makes the service-worker
// registry throw too, at OHIF's init-service-worker.js, which only unregisters the
// workers of earlier OHIF versions: a frame refused storage has none, so that answer
// becomes "none". Where storage works these lines change nothing.
(function () {
  var refused = false;
  function MemoryStorage() {
    this.items = new Map();
  }
  MemoryStorage.prototype = {
    get length() { return this.items.size; },
    key: function (index) {
      var keys = Array.from(this.items.keys());
      return index >= 0 && index < keys.length ? keys[index] : null;
    },
    getItem: function (key) {
      key = String(key);
      return this.items.has(key) ? this.items.get(key) : null;
    },
    setItem: function (key, value) { this.items.set(String(key), String(value)); },
    removeItem: function (key) { this.items.delete(String(key)); },
    clear: function () { this.items.clear(); },
  };
  ['localStorage', 'sessionStorage'].forEach(function (name) {
    try {
      window[name].length;
    } catch (error) {
      refused = true;
      Object.defineProperty(window, name, { value: new MemoryStorage(), configurable: true, enumerable: true });
    }
  });
  if (refused && navigator.serviceWorker) {
    var registrations = navigator.serviceWorker.getRegistrations.bind(navigator.serviceWorker);
    navigator.serviceWorker.getRegistrations = function () {
      return registrations().catch(function () { return []; });
    };
  }
})();
