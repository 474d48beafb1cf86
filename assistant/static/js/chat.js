// Progressive enhancement of the chat: send without reloading the page (it works without JS).
(function () {
  var form = document.getElementById("chat-form");
  var log = document.getElementById("chat-log");
  var choices = document.getElementById("chat-choices");
  if (!form || !log || !window.fetch) return;
  // the "1. Coiffure" lines of a reply become buttons that send their number
  function offer(text) {
    if (!choices) return;
    choices.querySelectorAll("button").forEach(function (button) { button.remove(); });
    var found = text ? text.match(/^\d{1,2}\. .+$/gm) || [] : [];
    found.forEach(function (line) {
      var button = document.createElement("button");
      button.type = "submit";
      button.className = "button secondary";
      button.name = "message";
      button.value = line.slice(0, line.indexOf("."));
      button.textContent = line;
      choices.appendChild(button);
    });
    choices.hidden = found.length === 0;
  }
  function add(text, mine) {
    var item = document.createElement("li");
    item.className = "bubble " + (mine ? "from-person" : "from-service");
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = mine ? form.dataset.you : form.dataset.service;
    var body = document.createElement("span");
    body.className = "pre";
    if (mine) body.textContent = text;
    else fill(body, text);
    item.appendChild(who);
    item.appendChild(body);
    log.appendChild(item);
    item.scrollIntoView({block: "end"});
  }
  // the service's links to this site (the page that ends an adhesion) become clickable
  function fill(body, text) {
    var base = form.dataset.base ? form.dataset.base + "/" : null;
    var at = base ? text.indexOf(base) : -1;
    while (at >= 0) {
      body.appendChild(document.createTextNode(text.slice(0, at)));
      var rest = text.slice(at);
      var url = rest.slice(0, rest.search(/\s|$/));
      var link = document.createElement("a");
      link.href = url;
      link.textContent = url;
      body.appendChild(link);
      text = rest.slice(url.length);
      at = text.indexOf(base);
    }
    body.appendChild(document.createTextNode(text));
  }
  if (choices) choices.addEventListener("submit", function (event) {
    if (!event.submitter || !event.submitter.value) return;
    event.preventDefault();
    form.querySelector("#message").value = event.submitter.value;
    form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
  });
  form.addEventListener("submit", function (event) {
    var input = form.querySelector("#message");
    var text = input.value.trim();
    event.preventDefault();
    offer(null);
    if (!text) return;
    var data = new FormData(form);
    add(text, true);
    input.value = "";
    fetch(form.action || window.location.href, {
      method: "POST", body: data, headers: {"Accept": "application/json"},
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (answer) {
      if (answer.reply) add(answer.reply, false);
      offer(answer.reply);
    }).catch(function () {
      input.value = text;  // fall back to a plain form post
      form.submit();
    });
  });
})();
