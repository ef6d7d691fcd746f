// Vite config for the Rampart UI: builds ui/dist for the Tauri shell and runs the Vitest suite.
/// <reference types="vitest/config" />
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: the bundle is served by Tauri's custom protocol, not from a web root.
  base: './',
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  server: {
    // tauri.conf.json's devUrl points here; fail instead of silently moving to another port.
    port: 5173,
    strictPort: true,
    // The UI and the IAM policy the Sync screen shows (imported as text from assets/iam).
    fs: { allow: ['.', '../assets/iam'] },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts is its own chunk (≈550 kB, ≈185 kB gzipped), loaded only when a view draws a chart.
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
