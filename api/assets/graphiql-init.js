(function () {
  var fetcher = GraphiQL.createFetcher({ url: "/graphql" });
  var defaultHeaders = JSON.stringify(
    { Authorization: "Bearer <paste a token from: learnwell token --sub you --role hr_admin>" },
    null,
    2
  );
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: defaultHeaders,
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: "headers",
      shouldPersistHeaders: true
    })
  );
})();
