// Shows the chosen letterhead logo before it is uploaded (madrasah setup and profile).
(function () {
  "use strict";
  var input = document.querySelector("[data-logo-input]");
  var preview = document.querySelector("[data-logo-preview]");
  if (!input || !preview) return;
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file || !/^image\/(png|jpeg)$/.test(file.type)) {
      preview.hidden = true;
      return;
    }
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
  });
})();
