// Starts GraphiQL against this gateway's /graphql. Every asset comes from the gateway itself: the
// page makes no request to another host. The headers editor starts empty: the hint above the
// editor says how to get a token and where it goes; the page does not store it.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', window.location.origin).toString() });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: 'headers',
      defaultHeaders: '{}',
      shouldPersistHeaders: false,
      defaultQuery: '# Keluarga Gateway. Put a token in Headers below, then run:\n{ me { subject role scope recordAccess } }\n',
    })
  );
})();
