// Progressive enhancement only: the page works without this script.
// 1. Times are rendered in UTC; show them in the reader's own time zone too.
// 2. Each uptime strip becomes one tab stop, with arrow keys to move by day.
(function () {
  'use strict';
  var formatter;
  try {
    formatter = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  } catch (error) {
    formatter = null;
  }
  if (formatter) {
    var times = document.querySelectorAll('time[data-localize]');
    for (var i = 0; i < times.length; i++) {
      var element = times[i];
      var date = new Date(element.getAttribute('datetime'));
      if (isNaN(date.getTime())) continue;
      element.setAttribute('title', element.textContent);
      element.textContent = formatter.format(date);
    }
    var zone = formatter.resolvedOptions().timeZone;
    var notes = document.querySelectorAll('[data-time-zone-note]');
    for (var n = 0; n < notes.length; n++) notes[n].textContent = 'Times are shown in your time zone' + (zone ? ' (' + zone + ')' : '') + '; hover a time for UTC.';
  }

  var strips = document.querySelectorAll('.uptime-strip');
  for (var s = 0; s < strips.length; s++) enhanceStrip(strips[s]);

  function enhanceStrip(strip) {
    var days = strip.querySelectorAll('li');
    if (days.length === 0) return;
    for (var d = 0; d < days.length; d++) days[d].setAttribute('tabindex', '-1');
    days[days.length - 1].setAttribute('tabindex', '0');
    strip.addEventListener('keydown', function (event) {
      var items = Array.prototype.slice.call(strip.querySelectorAll('li'));
      var index = items.indexOf(document.activeElement);
      if (index < 0) return;
      var next = index;
      if (event.key === 'ArrowLeft') next = Math.max(0, index - 1);
      else if (event.key === 'ArrowRight') next = Math.min(items.length - 1, index + 1);
      else if (event.key === 'Home') next = 0;
      else if (event.key === 'End') next = items.length - 1;
      else return;
      event.preventDefault();
      items[index].setAttribute('tabindex', '-1');
      items[next].setAttribute('tabindex', '0');
      items[next].focus();
    });
  }
})();
