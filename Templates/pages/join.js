// The sign-up page's proof-of-work (Altcha's protocol): fetch a challenge from our own origin,
// find the number whose SHA-256 with the salt gives the challenge, and put the answer in the
// form's hidden `altcha` field. The status line says what is happening, in the page's language.
// On the preference page it only tells the form the browser's time zone, so that a pause ends
// with its day where the person is.
(function () {
  'use strict';
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) {
    var zones = document.querySelectorAll('input[name="time_zone"]');
    for (var z = 0; z < zones.length; z++) zones[z].value = zone;
  }
  var form = document.getElementById('join');
  if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  var status = document.getElementById('pow-status');
  var field = form.querySelector('input[name="altcha"]');
  var button = form.querySelector('button[type="submit"]');
  function say(key) { status.textContent = status.getAttribute('data-' + key); }
  function hex(buffer) {
    var bytes = new Uint8Array(buffer), out = '';
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return out;
  }
  async function solve(c) {
    var encoder = new TextEncoder();
    for (var n = 0; n <= c.maxnumber; n++) {
      var digest = await crypto.subtle.digest('SHA-256', encoder.encode(c.salt + n));
      if (hex(digest) === c.challenge) return n;
    }
    return -1;
  }
  async function run() {
    say('working');
    form.setAttribute('data-pow', 'working');
    try {
      var answer = await fetch(form.getAttribute('data-challenge'), { cache: 'no-store', credentials: 'same-origin' });
      var c = await answer.json();
      var n = await solve(c);
      if (n < 0) throw new Error('no number solves the challenge');
      field.value = btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: n, salt: c.salt, signature: c.signature }));
      say('done');
      form.setAttribute('data-pow', 'done');
    } catch (e) {
      say('failed');
      form.setAttribute('data-pow', 'failed');
    }
  }
  // Sending before the check is done waits for it.
  var pending = run();
  form.addEventListener('submit', function (event) {
    if (field.value) return;
    event.preventDefault();
    button.disabled = true;
    pending.then(function () { button.disabled = false; form.submit(); });
  });
})();
