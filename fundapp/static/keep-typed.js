/* What a founder types in its application is kept in this tab (sessionStorage) as it types, so that a
   session that times out, a form that expires or a page closed by mistake loses none of it: when the page
   comes back showing other values than those typed, the typed ones are put back and the founder is told.
   Only onto the version of the application they were typed on (data-keep-typed-version): once the
   application has changed since, what was typed is dropped rather than laid over newer text.
   A form opts in with data-keep-typed="<key>"; the note to show is the element data-keep-typed-note. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-keep-typed]");
  if (!form || !window.sessionStorage) { return; }
  var key = "fundapp:typed:" + form.getAttribute("data-keep-typed");
  var version = form.getAttribute("data-keep-typed-version");
  var fields = Array.prototype.filter.call(form.elements, function (field) {
    return field.name && !field.disabled && field.type !== "file" && field.type !== "hidden" &&
      field.type !== "submit" && field.type !== "button";
  });
  function values() {
    var typed = {};
    fields.forEach(function (field) { typed[field.name] = field.value; });
    return typed;
  }
  var kept = null;
  try { kept = JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (error) { kept = null; }
  var shown = values();
  var restored = false;
  if (kept && kept.version === version && kept.values) {
    fields.forEach(function (field) {
      var value = kept.values[field.name];
      if (typeof value === "string" && value !== shown[field.name]) {
        field.value = value;
        restored = true;
      }
    });
  }
  var note = document.querySelector("[data-keep-typed-note]");
  if (restored && note) { note.hidden = false; }
  if (!restored) { window.sessionStorage.removeItem(key); }   /* the page shows all that was typed */
  form.addEventListener("input", function () {
    window.sessionStorage.setItem(key, JSON.stringify({version: version, values: values()}));
  });
  var discard = document.querySelector("[data-keep-typed-discard]");
  if (discard) {
    discard.addEventListener("click", function () {
      window.sessionStorage.removeItem(key);
      window.location.reload();
    });
  }
}());
