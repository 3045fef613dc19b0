// Phone photos shrink to about 300 KB before upload: teachers pay for mobile data by the megabyte.
// Wired by the data attribute `data-downscale` on a file input; no inline script (strict CSP).
// Uses createImageBitmap and a canvas (no blob: or data: URL is loaded into the page). Where the
// browser lacks them, or anything fails, the original file is sent: the server checks what arrives.
(function () {
  "use strict";
  if (window.mutuUploadWired) {
    return; // included by several parts of one page
  }
  window.mutuUploadWired = true;

  var TARGET_BYTES = 300 * 1024;
  var MAX_SIDE = 1600;
  var START_QUALITY = 0.8;
  var MIN_QUALITY = 0.4;

  function toBlob(canvas, quality) {
    return new Promise(function (resolve) {
      canvas.toBlob(resolve, "image/jpeg", quality);
    });
  }

  function encode(canvas, quality) {
    return toBlob(canvas, quality).then(function (blob) {
      if (!blob || blob.size <= TARGET_BYTES || quality <= MIN_QUALITY) {
        return blob;
      }
      return encode(canvas, Math.max(MIN_QUALITY, quality - 0.1));
    });
  }

  function draw(bitmap, side) {
    var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    var context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // a transparent PNG gets a white background, as JPEG has no alpha
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas;
  }

  function shrink(file) {
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var side = MAX_SIDE;
      function attempt() {
        return encode(draw(bitmap, side), START_QUALITY).then(function (blob) {
          // Still too big at the lowest quality: make the picture smaller and try again.
          if (blob && blob.size > TARGET_BYTES && side > 800) {
            side = Math.round(side * 0.75);
            return attempt();
          }
          return blob;
        });
      }
      return attempt().then(function (blob) {
        if (bitmap.close) {
          bitmap.close();
        }
        return blob;
      });
    });
  }

  function renamed(name) {
    var base = name.replace(/\.[^.]*$/, "") || "foto";
    return base + ".jpg";
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-downscale]")) {
      return;
    }
    var file = input.files && input.files[0];
    var wanted = file && (file.type === "image/jpeg" || file.type === "image/png") && file.size > TARGET_BYTES;
    if (!wanted || typeof createImageBitmap !== "function" || typeof DataTransfer !== "function") {
      return;
    }
    var form = input.form;
    var buttons = form ? form.querySelectorAll("button[type=submit]") : [];
    buttons.forEach(function (button) {
      button.disabled = true;
    });
    input.setAttribute("aria-busy", "true");
    shrink(file)
      .then(function (blob) {
        if (!blob || blob.size >= file.size) {
          return;
        }
        var smaller = new File([blob], renamed(file.name), { type: "image/jpeg", lastModified: Date.now() });
        var transfer = new DataTransfer();
        transfer.items.add(smaller);
        input.files = transfer.files;
        input.setAttribute("data-downscaled", String(smaller.size));
      })
      .catch(function () {
        // Keep the original file; the server decides.
      })
      .then(function () {
        input.removeAttribute("aria-busy");
        buttons.forEach(function (button) {
          button.disabled = false;
        });
      });
  });
})();
