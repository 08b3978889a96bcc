import { mount } from 'svelte';
import App from './App.svelte';
import { createAppStores, installAppStores } from './state/app-stores.svelte';
import './ui/common/global.css';

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element.');
// The stores (and the model worker under them) are created here, once, before any component reads them.
installAppStores(createAppStores());
export default mount(App, { target });
