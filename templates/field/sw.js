/* The technician's day without signal: a small hand-written service worker (see docs/field.md).
   The day page is fetched from the network first and kept; with no signal the kept copy is
   shown. Outcomes are not queued here: the page keeps them in IndexedDB and sends them itself,
   so they wait the same way in every browser (Background Sync is not everywhere). */
"use strict";

const CACHE = "msa-field-{{ version }}";
const PAGE = "{{ page|escapejs }}";
const ASSETS = {{ assets_json|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll([...ASSETS, PAGE])).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("msa-field-") && key !== CACHE).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

function keepDayPage(response) {
  // A redirect (to sign in) or an error page is never kept in place of the day.
  if (response.ok && !response.redirected && response.type === "basic") {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(PAGE, copy));
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname === PAGE) {
    event.respondWith(
      fetch(request).then(keepDayPage).catch(() =>
        caches.match(PAGE).then((kept) => kept || Response.error())
      )
    );
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
  }
});
