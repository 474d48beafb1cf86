// Progressive enhancement of the chat: send without reloading the page (it works without JS).
(function () {
  var form = document.getElementById("chat-form");
  var log = document.getElementById("chat-log");
  if (!form || !log || !window.fetch) return;
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
  form.addEventListener("submit", function (event) {
    var input = form.querySelector("#message");
    var text = input.value.trim();
    event.preventDefault();
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
    }).catch(function () {
      input.value = text;  // fall back to a plain form post
      form.submit();
    });
  });
})();
