// The console's Mustache templates and stylesheet, compiled into the binary so `placer` installed anywhere (the
// README links it into /usr/local/bin) serves them without a resource bundle. `{{x}}` is HTML-escaped by
// swift-mustache; `{{{x}}}` is used only for SVG and fragments the console builds and escapes itself.
// Stable ids and `data-testid`s are documented in docs/console.md (the browser suite relies on them).

/// The console's templates by name, and its stylesheet.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "apps": apps, "app": app, "clusters": clusters, "cluster": cluster, "history": history,
        "commit": commit, "whatif": whatIf, "login": login, "result": result, "deploy": deploy,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Placer</title>
        <link rel="stylesheet" href="/console.css">
        </head>
        <body>
        <header>
        <nav aria-label="Placer console">
        <a href="/" class="brand" data-testid="nav-home">Placer</a>
        <a href="/" data-testid="nav-apps">Apps</a>
        <a href="/clusters" data-testid="nav-clusters">Clusters</a>
        <a href="/history" data-testid="nav-history">History</a>
        <a href="/what-if" data-testid="nav-what-if">What-if</a>
        <a href="/apps/new" data-testid="nav-deploy">Deploy</a>
        <span class="user">
        {{#user}}<span data-testid="signed-in-as">signed in as {{user}}</span>
        <form method="post" action="/logout" class="inline" id="logout-form"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" data-testid="logout">Sign out</button></form>{{/user}}
        {{^user}}<a href="/login" data-testid="nav-login">Sign in</a>{{/user}}
        </span>
        </nav>
        </header>
        {{#hasOutages}}<div class="outage" role="alert" data-testid="outage-banner">{{#outages}}<p data-testid="outage">{{.}}</p>{{/outages}}</div>{{/hasOutages}}
        <main id="main">
        {{{body}}}
        </main>
        <footer>{{#revision}}revision <code data-testid="revision">{{revision}}</code> · {{/revision}}{{loop}}</footer>
        </body>
        </html>
        """

    static let apps = """
        <h1>Apps</h1>
        <form method="get" action="/" id="apps-filter" class="filters" role="search">
        <label for="q">Name</label> <input id="q" name="q" value="{{filter.q}}" type="search">
        <label for="status">Status</label>
        <select id="status" name="status">{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select>
        <label for="cluster">Cluster</label>
        <select id="cluster" name="cluster">{{#clusters}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/clusters}}</select>
        <label for="class">QoS class</label>
        <select id="class" name="class">{{#classes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/classes}}</select>
        <button type="submit" data-testid="apply-filter">Filter</button>
        </form>
        <p data-testid="apps-count">{{page.matched}} of {{page.total}} apps · page {{page.page}} of {{page.pages}}</p>
        <table id="apps" data-testid="apps-table">
        <caption class="visually-hidden">Apps and their placement</caption>
        <thead><tr><th scope="col">App</th><th scope="col">Cluster</th><th scope="col">Conditions</th><th scope="col">QoS class</th><th scope="col">Last decision</th><th scope="col">Drift / move</th></tr></thead>
        <tbody>
        {{#page.apps}}
        <tr data-testid="app-row-{{name}}" data-app="{{name}}">
        <td><a href="/apps/{{name}}" data-testid="app-link">{{name}}</a></td>
        <td data-testid="app-cluster">{{#cluster}}<a href="/clusters/{{cluster}}">{{cluster}}</a>{{/cluster}}{{^cluster}}—{{/cluster}}</td>
        <td data-testid="app-conditions"><span class="cond {{readyClass}}">Ready={{ready}}</span>{{#reconciling}} <span class="cond warn">Reconciling</span>{{/reconciling}}{{#stalled}} <span class="cond bad">Stalled</span>{{/stalled}}{{#invalid}} <span class="cond bad">Invalid</span>{{/invalid}} <span class="reason">{{phase}}</span>{{#errors}}<div class="err">{{.}}</div>{{/errors}}</td>
        <td data-testid="app-class">{{qosClass}}</td>
        <td data-testid="app-decision">{{#lastDecision}}{{outcome}} {{at}}{{#commit}} <a href="/commits/{{commit}}"><code>{{short}}</code></a>{{/commit}}<div class="reason">{{reason}}</div>{{/lastDecision}}</td>
        <td data-testid="app-drift">{{#moved}}moved {{/moved}}{{#drift}}<span class="cond warn" title="{{drift}}">drift corrected</span>{{/drift}}{{#placedBy}} <span class="by">{{placedBy}}</span>{{/placedBy}}</td>
        </tr>
        {{/page.apps}}
        {{^page.apps}}<tr><td colspan="6">No app matches.</td></tr>{{/page.apps}}
        </tbody>
        </table>
        <nav aria-label="Pages" class="pager">
        {{#previous}}<a href="{{previous}}" rel="prev" data-testid="page-prev">Previous</a>{{/previous}}
        {{#next}}<a href="{{next}}" rel="next" data-testid="page-next">Next</a>{{/next}}
        </nav>
        <form method="post" action="/reconcile" id="reconcile-form" class="action">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" data-testid="reconcile">Reconcile now</button>
        </form>
        """

    static let app = """
        <h1 data-testid="app-name">{{detail.name}}</h1>
        <section aria-labelledby="status-h">
        <h2 id="status-h">Status</h2>
        <dl class="facts">
        <dt>Cluster</dt><dd data-testid="detail-cluster">{{#detail.row.cluster}}<a href="/clusters/{{detail.row.cluster}}">{{detail.row.cluster}}</a>{{/detail.row.cluster}}{{^detail.row.cluster}}none{{/detail.row.cluster}}</dd>
        <dt>Conditions</dt><dd data-testid="detail-conditions">{{#detail.conditions}}<div><span class="cond">{{type}}={{status}}</span> {{reason}}: {{message}}</div>{{/detail.conditions}}</dd>
        <dt>QoS class</dt><dd>{{detail.row.qosClass}}</dd>
        <dt>Placement</dt><dd data-testid="detail-authorship">{{#detail.placement}}{{#pinned}}pinned · {{/pinned}}{{by}}: <a href="/commits/{{commit}}"><code>{{short}}</code></a> “{{subject}}” by {{author}}, {{date}}{{#note}}<div class="reason">{{note}}</div>{{/note}}{{/detail.placement}}{{^detail.placement}}no placement committed{{/detail.placement}}</dd>
        {{#detail.hasErrors}}<dt>Invalid</dt><dd class="err" data-testid="detail-errors">{{#detail.errors}}<div>{{.}}</div>{{/detail.errors}}</dd>{{/detail.hasErrors}}
        </dl>
        </section>
        <section aria-labelledby="why-h">
        <h2 id="why-h">Why {{#detail.winner}}{{detail.winner}}{{/detail.winner}}{{^detail.winner}}no cluster{{/detail.winner}}</h2>
        {{#detail.outcome}}<p data-testid="detail-outcome">Decision: <strong>{{detail.outcome}}</strong></p>{{/detail.outcome}}
        <ul data-testid="detail-reasons">{{#detail.reasons}}<li>{{.}}</li>{{/detail.reasons}}</ul>
        <p data-testid="detail-hysteresis"><strong>Why it did not move:</strong> {{detail.hysteresis}}</p>
        {{#detail.hasWeights}}<p>Weights ({{detail.row.qosClass}}): {{#detail.weights}}<span class="weight">{{plugin}} {{weight}}</span> {{/detail.weights}}</p>{{/detail.hasWeights}}
        {{{chart}}}
        <table id="criteria" data-testid="criteria-table">
        <caption>Every feasible cluster by criterion: raw input, normalised score (0–100), weight and contribution to the total</caption>
        <thead><tr><th scope="col">Cluster</th><th scope="col">Total</th>{{#detail.criteria}}<th scope="col">{{.}}</th>{{/detail.criteria}}</tr></thead>
        <tbody>
        {{#detail.candidates}}
        <tr data-testid="candidate-{{cluster}}"{{#winner}} class="winner"{{/winner}}><th scope="row">{{cluster}}{{#winner}} ★{{/winner}}</th><td>{{total}}</td>{{#cells}}<td><div class="raw">{{raw}}</div><div>score {{score}} × w {{weight}} = <strong>{{contribution}}</strong></div></td>{{/cells}}</tr>
        {{/detail.candidates}}
        </tbody>
        </table>
        </section>
        <section aria-labelledby="refused-h">
        <h2 id="refused-h">Refused clusters</h2>
        <table id="refused" data-testid="refused-table">
        <thead><tr><th scope="col">Cluster</th><th scope="col">Filter</th><th scope="col">Reason</th></tr></thead>
        <tbody>{{#detail.refused}}<tr data-testid="refused-{{cluster}}"><th scope="row">{{cluster}}</th><td>{{filters}}</td><td>{{reasons}}</td></tr>{{/detail.refused}}
        {{^detail.refused}}<tr><td colspan="3">None: every cluster passed the filters.</td></tr>{{/detail.refused}}</tbody>
        </table>
        </section>
        <section aria-labelledby="inputs-h">
        <h2 id="inputs-h">Inputs</h2>
        <table id="inputs" data-testid="inputs-table">
        <thead><tr><th scope="col">Cluster</th><th scope="col">Metric</th><th scope="col">Source / model</th><th scope="col">Age</th><th scope="col">Interval</th></tr></thead>
        <tbody>{{#detail.inputs}}<tr><th scope="row">{{cluster}}</th><td>{{metric}}</td><td>{{source}}</td><td>{{age}}</td><td>{{interval}}</td></tr>{{/detail.inputs}}</tbody>
        </table>
        </section>
        <section aria-labelledby="forecasts-h">
        <h2 id="forecasts-h">Forecasts</h2>
        <table id="forecasts" data-testid="forecasts-table">
        <thead><tr><th scope="col">Cluster</th><th scope="col">Metric</th><th scope="col">Model</th><th scope="col">Forecast, interval, recent error, checked load</th></tr></thead>
        <tbody>{{#detail.forecasts}}<tr><th scope="row">{{cluster}}</th><td>{{metric}}</td><td>{{model}}</td><td>{{text}}</td></tr>{{/detail.forecasts}}
        {{^detail.forecasts}}<tr><td colspan="4">No forecast: the live figures stand until a cluster's history spans the horizon.</td></tr>{{/detail.forecasts}}</tbody>
        </table>
        </section>
        <section aria-labelledby="history-h">
        <h2 id="history-h">Decision history</h2>
        <ol id="app-history" data-testid="app-history">{{#history}}<li><a href="/commits/{{commit}}"><code>{{short}}</code></a> {{date}} · {{by}} · {{subject}} <span class="reason">{{author}}</span></li>{{/history}}{{^history}}<li>No placement commit yet.</li>{{/history}}</ol>
        </section>
        <section aria-labelledby="actions-h">
        <h2 id="actions-h">Actions</h2>
        <p>Each action is a Git commit authored by you; Placer applies it on its next reconcile.</p>
        <form method="post" action="/apps/{{detail.name}}/pin" id="pin-form" class="action">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="pin-cluster">Pin to cluster</label>
        <select id="pin-cluster" name="cluster">{{#clusterNames}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/clusterNames}}</select>
        <button type="submit" data-testid="pin">Pin</button>
        </form>
        <form method="post" action="/apps/{{detail.name}}/unpin" id="unpin-form" class="action">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" data-testid="unpin">Unpin (let Placer decide)</button>
        </form>
        <form method="post" action="/apps/{{detail.name}}/rollback" id="rollback-form" class="action">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="rollback-revision">Roll back to placement of commit</label>
        <select id="rollback-revision" name="revision"><option value="">the one before the current placement</option>{{#history}}<option value="{{commit}}">{{short}} {{subject}}</option>{{/history}}</select>
        <button type="submit" data-testid="rollback">Roll back</button>
        </form>
        <p><a href="/what-if?app={{detail.name}}" data-testid="what-if-link">What if this app changed?</a></p>
        </section>
        """

    static let clusters = """
        <h1>Clusters</h1>
        <table id="clusters" data-testid="clusters-table">
        <thead><tr><th scope="col">Cluster</th><th scope="col">Zone</th><th scope="col">Available</th><th scope="col">CPU used / cores</th><th scope="col">Memory used / GiB</th><th scope="col">Apps</th><th scope="col">Taints</th><th scope="col">AddOnPlacementScores</th></tr></thead>
        <tbody>
        {{#clusters}}<tr data-testid="cluster-row-{{name}}"><th scope="row"><a href="/clusters/{{name}}">{{name}}</a></th><td>{{zone}}</td><td>{{#available}}yes{{/available}}{{^available}}<span class="cond bad">no</span>{{/available}}</td><td>{{cpu}}</td><td>{{memory}}</td><td>{{appCount}}</td><td>{{#taints}}<div>{{.}}</div>{{/taints}}</td><td>{{#scores}}<div>{{name}}={{value}}</div>{{/scores}}</td></tr>{{/clusters}}
        {{^clusters}}<tr><td colspan="8">No cluster known yet (no reconcile has finished).</td></tr>{{/clusters}}
        </tbody>
        </table>
        """

    static let cluster = """
        <h1 data-testid="cluster-name">{{cluster.name}}</h1>
        <dl class="facts">
        <dt>Zone</dt><dd>{{cluster.zone}}</dd>
        <dt>Available</dt><dd data-testid="cluster-available">{{#cluster.available}}yes{{/cluster.available}}{{^cluster.available}}no{{/cluster.available}}</dd>
        <dt>Capacity</dt><dd>{{cluster.cpuCores}} cores, {{cluster.memoryGiB}} GiB</dd>
        <dt>Live load</dt><dd data-testid="cluster-load">CPU {{cluster.cpu}} · memory {{cluster.memory}}</dd>
        <dt>CPU history</dt><dd>{{{sparkline}}}</dd>
        <dt>Source</dt><dd>{{cluster.source}}</dd>
        <dt>Taints</dt><dd>{{#cluster.taints}}<div>{{.}}</div>{{/cluster.taints}}{{^cluster.taints}}none{{/cluster.taints}}</dd>
        <dt>Labels</dt><dd>{{#cluster.labels}}<div><code>{{.}}</code></div>{{/cluster.labels}}</dd>
        <dt>AddOnPlacementScores</dt><dd data-testid="cluster-scores">{{#cluster.scores}}<div>{{name}} = {{value}}</div>{{/cluster.scores}}{{^cluster.scores}}none{{/cluster.scores}}</dd>
        <dt>Learning agent</dt><dd data-testid="cluster-agent">{{#cluster.agent}}<div>{{.}}</div>{{/cluster.agent}}{{^cluster.agent}}no agent publishes for this cluster{{/cluster.agent}}</dd>
        <dt>Telemetry</dt><dd>{{#cluster.telemetry}}<div>{{.}}</div>{{/cluster.telemetry}}{{^cluster.telemetry}}static inventory only{{/cluster.telemetry}}</dd>
        <dt>Latency</dt><dd>{{#cluster.latency}}<div>{{.}}</div>{{/cluster.latency}}</dd>
        </dl>
        <h2>Apps placed here</h2>
        <ul id="cluster-apps" data-testid="cluster-apps">{{#cluster.apps}}<li><a href="/apps/{{.}}">{{.}}</a></li>{{/cluster.apps}}{{^cluster.apps}}<li>none</li>{{/cluster.apps}}</ul>
        """

    static let history = """
        <h1>History</h1>
        <form method="get" action="/history" id="history-filter" class="filters">
        <label for="h-app">App</label> <input id="h-app" name="app" value="{{filter.app}}">
        <label for="h-by">Made by</label>
        <select id="h-by" name="by">{{#byOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/byOptions}}</select>
        <button type="submit" data-testid="history-apply">Filter</button>
        </form>
        <ol id="history" class="timeline" data-testid="history-list">
        {{#entries}}<li data-testid="history-{{short}}"><a href="/commits/{{commit}}"><code>{{short}}</code></a> <time>{{date}}</time> · {{by}} · <strong>{{subject}}</strong> <span class="reason">{{author}}</span>
        <div class="apps">{{#apps}}<a href="/apps/{{.}}">{{.}}</a> {{/apps}}</div>{{#hasLines}}<ul>{{#lines}}<li>{{.}}</li>{{/lines}}</ul>{{/hasLines}}</li>
        {{/entries}}
        {{^entries}}<li>No placement commit matches.</li>{{/entries}}
        </ol>
        """

    static let commit = """
        <h1>Commit <code data-testid="commit-id">{{commit.short}}</code></h1>
        <p><strong data-testid="commit-subject">{{commit.subject}}</strong></p>
        <p data-testid="commit-author">{{commit.author}} · {{commit.date}} · {{commit.by}}</p>
        <pre class="message">{{commit.body}}</pre>
        <h2>Diff</h2>
        <pre class="diff" data-testid="commit-diff">{{{diff}}}</pre>
        """

    static let whatIf = """
        <h1>What-if</h1>
        <p>Try a change and see the plan the same engine would make. Nothing is committed.</p>
        <form method="get" action="/what-if" id="what-if-form" class="stacked">
        <fieldset><legend>An app</legend>
        <label for="wi-app">App</label>
        <select id="wi-app" name="app"><option value="">(none)</option>{{#appNames}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/appNames}}</select>
        <label for="wi-class">New QoS class</label>
        <select id="wi-class" name="class"><option value="">(unchanged)</option>{{#classes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/classes}}</select>
        <label for="wi-budget">New latency budget (ms)</label> <input id="wi-budget" name="budget" inputmode="decimal" value="{{form.budget}}">
        <label for="wi-cpu">New CPU request (cores)</label> <input id="wi-cpu" name="cpu" inputmode="decimal" value="{{form.cpu}}">
        </fieldset>
        <fieldset><legend>The fleet</legend>
        <label for="wi-down">Mark a cluster down</label>
        <select id="wi-down" name="down"><option value="">(none)</option>{{#downNames}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/downNames}}</select>
        <label for="wi-link">Degrade the links of cluster</label>
        <select id="wi-link" name="link"><option value="">(none)</option>{{#linkNames}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/linkNames}}</select>
        <label for="wi-factor">Latency × factor</label> <input id="wi-factor" name="factor" inputmode="decimal" value="{{form.factor}}">
        </fieldset>
        <button type="submit" data-testid="what-if-run">Show the plan</button>
        </form>
        {{#error}}<p class="err" role="alert" data-testid="what-if-error">{{error}}</p>{{/error}}
        {{#ran}}<h2>Plan diff</h2>
        <table id="what-if-result" data-testid="what-if-result">
        <thead><tr><th scope="col">App</th><th scope="col">Now</th><th scope="col">Under the change</th><th scope="col">Why</th></tr></thead>
        <tbody>{{#moves}}<tr data-testid="what-if-{{app}}"><th scope="row">{{app}}</th><td>{{from}}</td><td>{{to}}</td><td>{{reason}}</td></tr>{{/moves}}
        {{^moves}}<tr><td colspan="4">No app would move.</td></tr>{{/moves}}</tbody>
        </table>{{/ran}}
        """

    static let login = """
        <h1>Sign in</h1>
        <p>Actions (deploy, pin, unpin, roll back, reconcile) need a token from the console's token file (<code>--console-token-file</code>; the demo prints its path).</p>
        {{#error}}<p class="err" role="alert" data-testid="login-error">{{error}}</p>{{/error}}
        <form method="post" action="/login" id="login-form" class="stacked">
        <label for="token">Token</label> <input id="token" name="token" type="password" autocomplete="current-password" required>
        <input type="hidden" name="next" value="{{next}}">
        <button type="submit" data-testid="login-submit">Sign in</button>
        </form>
        """

    static let result = """
        <h1 data-testid="result-title">{{title}}</h1>
        <p role="status" data-testid="result-message" class="{{kind}}">{{message}}</p>
        {{#commit}}<p>Commit <a href="/commits/{{commit}}" data-testid="result-commit"><code>{{commit}}</code></a> on <code>{{branch}}</code>.</p>{{/commit}}
        {{#hasErrors}}<ul class="err" data-testid="result-errors">{{#errors}}<li>{{.}}</li>{{/errors}}</ul>{{/hasErrors}}
        {{#back}}<p><a href="{{back}}" data-testid="result-back">Back</a></p>{{/back}}
        """

    static let deploy = """
        <h1>Deploy an app</h1>
        <p>Paste the app's YAML (a CodecoApp or Kubernetes manifests). It is validated as <code>placer validate</code> would, then committed as <code>apps/NAME/app.yaml</code> with you as author.</p>
        {{#hasErrors}}<div class="err" role="alert" data-testid="deploy-errors"><p>Not committed:</p><ul>{{#errors}}<li>{{.}}</li>{{/errors}}</ul></div>{{/hasErrors}}
        <form method="post" action="/apps" id="deploy-form" class="stacked">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="deploy-name">Name (the folder under apps/)</label> <input id="deploy-name" name="name" value="{{name}}" required pattern="[a-z0-9]([-a-z0-9]*[a-z0-9])?">
        <label for="deploy-yaml">YAML</label>
        <textarea id="deploy-yaml" name="yaml" rows="24" cols="100" required>{{yaml}}</textarea>
        <button type="submit" data-testid="deploy-submit">Validate and commit</button>
        </form>
        """

    static let css = """
        :root{color-scheme:light;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--ok:#116329;--warn:#7d4e00;--bad:#a40e26;--accent:#0550ae}
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);margin:0}
        header{background:#f6f8fa;border-bottom:1px solid var(--line)}
        .outage{background:#fff8c5;border-bottom:1px solid #d4a72c;color:#1b1f24;padding:4px 16px}.outage p{margin:4px 0}
        nav{display:flex;gap:1rem;align-items:center;padding:.5rem 1rem;flex-wrap:wrap}
        nav a{color:var(--accent)}.brand{font-weight:700}.user{margin-left:auto}
        main{padding:1rem;max-width:80rem}footer{padding:1rem;color:var(--muted);font-size:13px}
        table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
        thead th{background:#f6f8fa}tr.winner{background:#eef7ee}
        .cond{display:inline-block;padding:0 .35rem;border-radius:4px;border:1px solid var(--line);font-size:13px}
        .ok{color:var(--ok)}.warn{color:var(--warn)}.bad,.err{color:var(--bad)}.reason,.raw,.by{color:var(--muted);font-size:13px}
        .filters,.action{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;margin:.5rem 0}
        .stacked{display:grid;gap:.4rem;max-width:50rem}.inline{display:inline}
        .facts{display:grid;grid-template-columns:12rem 1fr;gap:.25rem 1rem}.facts dt{font-weight:600}
        pre{background:#f6f8fa;padding:.5rem;overflow:auto}.diff .add{color:var(--ok)}.diff .del{color:var(--bad)}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        .pager{display:flex;gap:1rem}.weight{font-family:monospace}
        button{font:inherit;padding:.2rem .7rem}textarea{font-family:monospace}
        """
}
