// Entry point: applies the saved theme, loads the stylesheet and mounts the app shell into #app.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { applyTheme, readTheme } from './lib/shell/theme';

// Before mounting, so the first frame already has the chosen colours.
applyTheme(readTheme());

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
