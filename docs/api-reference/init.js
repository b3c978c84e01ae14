// The API reference page (served at /docs/ beside /openapi.json): Swagger UI from the swagger-ui-dist package,
// every file from this origin, no inline script (the Content-Security-Policy allows scripts from 'self' only),
// and no call to the online validator (validatorUrl: null), so the page needs no outside network.
window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    url: new URL('../openapi.json', window.location.href).href,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
