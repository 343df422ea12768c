// build.mjs - bundles the silkroute web map into web/dist with esbuild:
// app.js and app.css (Leaflet included), index.html, and the Natural Earth
// countries basemap from world-atlas.  Everything the page needs is in
// dist/, served by `silkroute serve`: no CDN, no tiles, works offline.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: { app: join(here, 'src/main.js') },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: ['es2020'],
  outdir: dist,
  // Leaflet's CSS names a few images; they are copied next to app.css.
  loader: { '.png': 'file', '.svg': 'file' },
  assetNames: 'img/[name]',
  logLevel: 'warning',
});
copyFileSync(join(here, 'src/index.html'), join(dist, 'index.html'));
// 1:50m is detailed enough for the corridors at the zoom levels of a
// continental map, and a tenth of the 1:10m file.
copyFileSync(join(here, 'node_modules/world-atlas/countries-50m.json'), join(dist, 'countries.json'));
copyFileSync(join(here, 'src/favicon.svg'), join(dist, 'favicon.svg'));
// Precompressed copies beside the files (the server sends NAME.gz to
// clients that accept gzip, as nginx's gzip_static does): the first load
// shrinks several-fold at no cost per request.
const squeeze = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { squeeze(p); continue; }
    if (!/\.(js|css|json|html|svg)$/.test(name)) continue;
    writeFileSync(p + '.gz', gzipSync(readFileSync(p), { level: 9 }));
  }
};
squeeze(dist);
console.log('web: built', dist);
