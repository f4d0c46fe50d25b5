// index.html of a bundle: a self-contained page that works opened from disk (no server, no network):
// TensorFlow.js, the model and the page script arrive as plain <script> files beside it.

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

/** The demo page's HTML. */
export function demoHtml(p: { title: string; labels: string[]; facts: string; image?: boolean }): string {
  // An image model: a file picker; the page crops the centre square, resizes it on a canvas and reads its pixels.
  const input = p.image
    ? `<label for="image">Image to classify (PNG, JPEG, WebP, GIF)</label>
  <input id="image" type="file" accept="image/png,image/jpeg,image/webp,image/gif">
  <textarea id="text" hidden></textarea>`
    : `<label for="text">Text to classify</label>
  <textarea id="text" placeholder="Type or paste a text…"></textarea>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(p.title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2430; }
  main { max-width: 760px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 1.5rem; margin: 0 0 4px; }
  h2 { font-size: 1rem; margin: 20px 0 8px; }
  .facts { color: #5b6472; margin: 0 0 16px; }
  textarea { width: 100%; box-sizing: border-box; min-height: 110px; font: inherit; padding: 10px; border: 1px solid #b9c0cc; border-radius: 6px; }
  button { margin-top: 8px; font: inherit; padding: 6px 16px; border-radius: 6px; border: 1px solid #2f5fb3; background: #2f6fd6; color: white; cursor: pointer; }
  #status { color: #5b6472; margin: 8px 0; }
  .label { font-size: 1.2rem; }
  .bar { display: grid; grid-template-columns: minmax(90px, 200px) 1fr 64px; gap: 8px; align-items: center; margin: 4px 0; }
  .bar.top .name { font-weight: 600; }
  .track { background: #e3e7ee; border-radius: 4px; height: 14px; overflow: hidden; }
  .fill { display: block; height: 100%; background: #2f6fd6; }
  .value { text-align: right; font-variant-numeric: tabular-nums; }
  .tokens { line-height: 2.1; }
  #view { width: 256px; height: 256px; image-rendering: pixelated; border: 1px solid #b9c0cc; border-radius: 6px; display: block; }
  .token { padding: 2px 3px; margin: 0 1px; border-radius: 3px; border: 1px solid #e0c9a8; }
</style>
</head>
<body>
<main>
  <h1 id="title">${escape(p.title)}</h1>
  <p class="facts">${escape(p.facts)} Classes: ${p.labels.map(escape).join(', ')}. Everything runs in this page; nothing is sent anywhere.</p>
  ${input}
  <button id="classify" type="button">Classify</button>
  <div id="status" role="status">Loading the model…</div>
  <section id="result" aria-live="polite"></section>
</main>
<script src="tf.min.js"></script>
<script src="model-data.js"></script>
<script src="demo.js"></script>
</body>
</html>
`
}
