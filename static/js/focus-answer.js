// The eligibility answer is what the person asked for: move focus (and the screen) to it, so a
// phone shows it at once and a screen reader reads it first.
(function () {
  var answer = document.getElementById("answer");
  if (answer) {
    answer.focus();
  }
})();
