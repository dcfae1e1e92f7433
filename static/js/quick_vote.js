// Faster voting (issue 20): the page fetches ahead the record that comes after this one (the form's data-next), and
// a vote shows it at once while the vote is sent in the background; the server's own page, with the counts and the
// "Vote saved" message, then replaces it. Without JavaScript the form posts and the server redirects to the queue,
// as it always did.
(function () {
  "use strict";
  var ahead = null; // {url, html} of the page after the current record
  var votes = 0; // votes sent: a server page arriving for an older vote does not replace a newer record
  var waiting = false; // a vote sent with nothing fetched ahead: the record stays until the server's page comes

  function main() {
    return document.getElementById("main");
  }

  function swap(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var content = next.getElementById("main");
    if (!content) return false;
    main().replaceChildren.apply(main(), Array.from(content.childNodes));
    document.title = next.title;
    return true;
  }

  // The page says whether the next record is at hand (data-ahead="ready"), so a test can vote as a reader would.
  function setAhead(value) {
    ahead = value;
    document.documentElement.dataset.ahead = value ? "ready" : "";
  }

  function fetchAhead() {
    var form = document.getElementById("vote-form");
    setAhead(null);
    if (!form || !form.dataset.next) return;
    var url = form.dataset.next;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        var current = document.getElementById("vote-form");
        if (html && current && current.dataset.next === url) setAhead({ url: url, html: html });
      })
      .catch(function () {});
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "vote-form" || !window.fetch || !window.DOMParser) return;
    event.preventDefault();
    if (waiting) return; // a second key press would vote on the same record again
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    var vote = ++votes;
    var shown = ahead && ahead.url === form.dataset.next && swap(ahead.html);
    setAhead(null);
    // The server's page then shows the record now on screen (if it still awaits this vote), not one it picks anew.
    var onScreen = shown && document.getElementById("vote-form");
    if (onScreen) data.append("show", onScreen.dataset.record);
    waiting = !shown;
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          waiting = false;
          if (!response.ok) throw new Error(response.status);
          if (vote === votes) {
            swap(html);
            history.replaceState(null, "", response.url);
            fetchAhead();
          }
        });
      })
      .catch(function () {
        window.location.reload(); // anything unexpected: the page as the server has it now
      });
  });

  fetchAhead();
})();
