// Passkeys (WebAuthn): the browser creates or uses one with the options the server gives, and the
// server checks its answer. The options and the answer travel as JSON (WebAuthn Level 3).
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: body || "",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()}
    }).then(function (response) { return response.json(); });
  }

  function setUp(box, create) {
    var button = box.querySelector("[data-passkey-button]");
    var error = box.querySelector("[data-passkey-error]");
    var waiting = box.querySelector("[data-passkey-waiting]");
    function show(message) {
      error.textContent = message; error.hidden = false; waiting.hidden = true; button.disabled = false;
    }
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      show(error.dataset.unsupported);
      button.disabled = true;
      return;
    }
    button.addEventListener("click", function () {
      button.disabled = true;
      error.hidden = true;
      waiting.hidden = false;
      post(box.dataset.options).then(function (options) {
        if (options.error) { throw new Error(options.error); }
        return create
          ? navigator.credentials.create({publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options)})
          : navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options)});
      }).then(function (credential) {
        var finish = box.dataset.finish;
        if (create) {
          var name = box.querySelector("#passkey-name");
          finish += "?name=" + encodeURIComponent(name ? name.value : "");
        }
        return post(finish, JSON.stringify(credential.toJSON()));
      }).then(function (answer) {
        if (answer.redirect) { window.location.assign(answer.redirect); } else { show(answer.error || error.dataset.failed); }
      }).catch(function (problem) {
        show(problem && problem.message && problem.name === "Error" ? problem.message : error.dataset.failed);
      });
    });
  }

  document.querySelectorAll("[data-passkey-register]").forEach(function (box) { setUp(box, true); });
  document.querySelectorAll("[data-passkey-sign-in]").forEach(function (box) { setUp(box, false); });
})();
