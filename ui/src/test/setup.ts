// Vitest setup: jsdom has no canvas. ECharts only measures text with one, and copes without;
// answering null here (as jsdom does) keeps jsdom from printing "Not implemented" for each call.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;

// jsdom has no layout, so no ResizeObserver: Svelte's bind:clientHeight needs one to exist. Sizes
// stay 0 there, and the views fall back to a window-sized viewport.
if (typeof globalThis.ResizeObserver !== 'function') {
  globalThis.ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  } as unknown as typeof ResizeObserver;
}
