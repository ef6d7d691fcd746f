// Ambient types for Svelte components and Vite's client helpers.
/// <reference types="svelte" />
/// <reference types="vite/client" />
