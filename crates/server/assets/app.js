// Progressive enhancement only: every page works without this script.
// The specification editor: while one types, the form is checked by the server and the
// findings panel and the notes beside the inputs are replaced with its answer.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  var panel = document.getElementById("findings");
  if (!form || !panel || !window.fetch) { return; }
  var timer = null;
  var sent = 0;
  function check() {
    var mine = ++sent;
    var body = new URLSearchParams(new FormData(form));
    body.set("action", "check");
    fetch(form.getAttribute("data-check"), { method: "POST", body: body, credentials: "same-origin" })
      // A redirect is the sign-in page (the session ended): keep the panel as it is.
      .then(function (response) { return response.ok && !response.redirected ? response.text() : null; })
      .then(function (html) {
        if (html === null || mine !== sent) { return; }
        panel.innerHTML = html;
        var boxes = form.querySelectorAll(".notes[data-field]");
        for (var i = 0; i < boxes.length; i++) { boxes[i].textContent = ""; }
        // Each finding also goes beside the input the server named for it.
        var items = panel.querySelectorAll(".finding[data-input]");
        for (var j = 0; j < items.length; j++) {
          var input = items[j].getAttribute("data-input");
          var box = input && form.querySelector('.notes[data-field="' + input + '"]');
          if (!box) { continue; }
          var note = document.createElement("p");
          var severity = items[j].className.replace(/.*finding-(\w+).*/, "$1");
          note.className = "note note-" + severity;
          var message = items[j].querySelector(".message");
          note.textContent = message ? message.textContent : "";
          box.appendChild(note);
        }
      })
      .catch(function () { /* the Check button still works */ });
  }
  function soon() { clearTimeout(timer); timer = setTimeout(check, 400); }
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();
