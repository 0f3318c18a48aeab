// Starts Swagger UI on /api/v1/docs. Calls made from the page while signed in to the web app use
// the session, so changing calls carry Django's CSRF token; calls with a personal token ("Authorize")
// do not need it.
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.getAttribute("data-csrf-token");
  settings.presets = [SwaggerUIBundle.presets.apis];
  settings.requestInterceptor = function (request) {
    if (csrfToken && request.method && ["GET", "HEAD", "OPTIONS"].indexOf(request.method.toUpperCase()) < 0) {
      request.headers["X-CSRFToken"] = csrfToken;
    }
    return request;
  };
  window.ui = SwaggerUIBundle(settings);
})();
