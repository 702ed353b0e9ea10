// The console bundle: Preact through its Vite preset, built into console/dist
// with hashed file names (the server sends them with a year-long cache).
import { defineConfig } from 'vite'
import preact from '@preact/preset-vite'

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline module-preload polyfill: the CSP forbids inline scripts.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
})
