// The dashboard's webview script (bundled by esbuild into dist/dashboard.js): draws what the extension posts with
// Chart.js, in the theme's colours (VS Code's --vscode-* CSS variables), and asks the extension to act on clicks.
// Nothing is fetched: the data arrives by message, and the page's CSP allows only this script.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, LineController, LineElement,
  PointElement, Tooltip,
} from 'chart.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

const vscode = acquireVsCodeApi();
const charts = new Map();
let last;

function css(name, fallback) {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function palette() {
  return {
    text: css('--vscode-foreground', '#cccccc'),
    grid: css('--vscode-charts-lines', 'rgba(128,128,128,0.3)'),
    series: ['--vscode-charts-blue', '--vscode-charts-green', '--vscode-charts-orange', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow']
      .map((name, i) => css(name, ['#3794ff', '#89d185', '#d18616', '#b180d7', '#f14c4c', '#cca700'][i])),
  };
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function chart(id, config) {
  charts.get(id)?.destroy();
  const colours = palette();
  Chart.defaults.color = colours.text;
  Chart.defaults.borderColor = colours.grid;
  const canvas = document.getElementById(id);
  charts.set(id, new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } }));
}

function render(data, locale) {
  last = { data, locale };
  const number = new Intl.NumberFormat(locale);
  const day = (text) => new Date(`${text}T00:00:00`).toLocaleDateString(locale, { month: 'short', day: 'numeric' });
  const colours = palette().series;
  const { totals } = data;
  document.getElementById('totals').replaceChildren(...[
    ['Files', totals.files], ['Entities', totals.entities], ['Code units', totals.units], ['Memories', totals.memories],
  ].map(([label, value]) => element('div', { class: 'total' }, element('span', { class: 'value' }, number.format(value)), element('span', { class: 'label' }, label))));
  const rate = data.cache.hitRate === null ? 'no lookups yet' : `${new Intl.NumberFormat(locale, { style: 'percent' }).format(data.cache.hitRate)} of lookups`;
  document.getElementById('cache').textContent = `${number.format(data.cache.size)} cached scores · ${rate} answered from the cache`;
  const scoring = document.getElementById('scoring');
  scoring.textContent = data.scoring.model ? `Scoring with ${data.scoring.model}.` : `No scoring model${data.scoring.note ? `: ${data.scoring.note}` : ''}. Ranking uses words and the call graph.`;
  document.getElementById('settings').hidden = Boolean(data.scoring.model);
  document.getElementById('size').textContent = `Database: ${number.format(Math.round(totals.databaseBytes / 1024))} KB`;

  chart('languages', {
    type: 'doughnut',
    data: { labels: data.languages.map((l) => l.language), datasets: [{ data: data.languages.map((l) => l.files), backgroundColor: colours }] },
    options: { plugins: { legend: { position: 'right' } } },
  });
  chart('history', {
    type: 'line',
    data: {
      labels: data.history.map((p) => day(p.day)),
      datasets: [
        { label: 'Entities', data: data.history.map((p) => p.entities), borderColor: colours[0], backgroundColor: colours[0], yAxisID: 'entities' },
        { label: 'Memories', data: data.history.map((p) => p.memories), borderColor: colours[1], backgroundColor: colours[1], yAxisID: 'memories' },
      ],
    },
    options: { scales: { entities: { position: 'left', beginAtZero: true }, memories: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } } } },
  });
  const activity = data.activity;
  chart('questions', {
    type: 'bar',
    data: {
      labels: activity.map((a) => day(a.day)),
      datasets: [
        { label: 'Questions', data: activity.map((a) => a.questions), backgroundColor: colours[0], yAxisID: 'count' },
        { label: 'Model calls per question', data: activity.map((a) => a.modelCallsPerQuestion), backgroundColor: colours[2], yAxisID: 'count' },
        { type: 'line', label: 'Prompt tokens per question', data: activity.map((a) => Math.round(a.promptTokensPerQuestion)), borderColor: colours[3], backgroundColor: colours[3], yAxisID: 'tokens' },
      ],
    },
    options: { scales: { count: { position: 'left', beginAtZero: true }, tokens: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } } } },
  });
  chart('latency', {
    type: 'line',
    data: {
      labels: activity.map((a) => day(a.day)),
      datasets: [
        { label: 'Median (ms)', data: activity.map((a) => a.latencyP50Ms), borderColor: colours[1], backgroundColor: colours[1] },
        { label: '95th percentile (ms)', data: activity.map((a) => a.latencyP95Ms), borderColor: colours[4], backgroundColor: colours[4] },
      ],
    },
    options: { scales: { y: { beginAtZero: true } } },
  });

  const review = document.getElementById('review');
  document.getElementById('review-count').textContent = number.format(data.review.length);
  review.replaceChildren(...(data.review.length ? data.review.map((item) => {
    const link = element('a', { href: '#', 'data-id': item.id }, `${item.id} ${item.title}`);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      vscode.postMessage({ type: 'run', action: 'openMemory', id: item.id, folder: item.folder });
    });
    return element('li', {}, link, ` — ${item.reason}`);
  }) : [element('li', {}, 'Nothing to review.')]));
  document.getElementById('generated').textContent = `Updated ${new Date(data.generatedAt).toLocaleString(locale)}`;
  // Tells the extension what was drawn: each chart with a canvas that has a size.
  const drawn = [...charts].filter(([, c]) => c.canvas.width > 0 && c.canvas.height > 0).map(([id]) => id);
  vscode.postMessage({ type: 'rendered', charts: drawn });
}

window.addEventListener('message', (event) => {
  const message = event.data;
  if (message && message.type === 'data') render(message.data, message.locale);
});
for (const [id, action] of [['refresh', 'refresh'], ['index', 'index'], ['open-view', 'openMemories'], ['review-all', 'review'], ['review-stale', 'reviewStale'], ['settings', 'openSettings']]) {
  document.getElementById(id).addEventListener('click', () => vscode.postMessage(action === 'refresh' ? { type: 'refresh' } : { type: 'run', action }));
}
// A theme change restyles the page: the charts are drawn again in its colours.
new MutationObserver(() => last && render(last.data, last.locale)).observe(document.body, { attributes: true, attributeFilter: ['class'] });
vscode.postMessage({ type: 'ready' });
