import type { Component } from 'svelte';
import type { ToolName } from '../core/engine/model-info';
import AttentionTool from './attention/AttentionTool.svelte';
import ModelOverview from './model/ModelOverview.svelte';

export interface ToolTab {
  id: ToolName | 'model';
  label: string;
  component: Component;
}

/** The app's tabs, in order. A tool adds itself here with one line. */
export const toolTabs: ToolTab[] = [
  { id: 'attention', label: 'Attention', component: AttentionTool },
  { id: 'model', label: 'Model & tokenizer', component: ModelOverview },
];
