// Service worker for the observation pages only (served at /kompetensi/observasi/sw.js, so its scope
// is that folder). The entry page asks it to keep a copy of itself and of its CSS and scripts; every
// request is tried on the network first and answered from that copy only when the network fails, so
// a supervisor can reload the entry page with no connection and find her draft (kept in
// localStorage by observation.js). Saves (POST) are never touched.
"use strict";

var CACHE = "mutu-observasi-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf("mutu-observasi-") === 0 && name !== CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function sameOrigin(url) {
  return new URL(url, self.location.href).origin === self.location.origin;
}

// {type: "cache", urls: [...]}: keep a copy of these (the entry page and the files it uses).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) {
    return;
  }
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(
        data.urls.filter(sameOrigin).map(function (url) {
          // Already kept: the network-first handler below refreshes it on every visit.
          return cache.match(url, { ignoreVary: true }).then(function (kept) {
            return kept ? null : keep(cache, url);
          });
        })
      );
    })
  );
});

function keep(cache, url) {
  return fetch(url, { credentials: "same-origin" })
    .then(function (response) {
      // A redirect (logged out, or the observation was submitted) is not the page to keep.
      if (response.ok && !response.redirected) {
        return cache.put(url, response);
      }
      return null;
    })
    .catch(function () {
      return null;
    });
}

function networkFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return fetch(request)
      .then(function (response) {
        if (!response.ok || response.redirected) {
          return response;
        }
        // Refresh only what a page asked to keep: nothing else is stored on the device.
        return cache.match(request, { ignoreVary: true, ignoreSearch: false }).then(function (kept) {
          if (kept) {
            cache.put(request, response.clone());
          }
          return response;
        });
      })
      .catch(function (error) {
        return cache.match(request, { ignoreVary: true }).then(function (kept) {
          if (kept) {
            return kept;
          }
          throw error;
        });
      });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !sameOrigin(request.url)) {
    return;
  }
  event.respondWith(networkFirst(request));
});
