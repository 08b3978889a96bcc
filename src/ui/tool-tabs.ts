import type { Component } from 'svelte';
import type { ToolName } from '../core/contracts/model';
import AnalogyTool from './analogy/AnalogyTool.svelte';
import AttentionTool from './attention/AttentionTool.svelte';
import LabelsTool from './labels/LabelsTool.svelte';
import ModelOverview from './model/ModelOverview.svelte';
import UncertaintyTool from './uncertainty/UncertaintyTool.svelte';

export interface ToolTab {
  id: ToolName | 'model';
  label: string;
  component: Component;
}

/** The app's tabs, in order. A tool adds itself here with one line. */
export const toolTabs: ToolTab[] = [
  { id: 'attention', label: 'Attention', component: AttentionTool },
  { id: 'uncertainty', label: 'Uncertainty', component: UncertaintyTool },
  { id: 'analogy', label: 'Word analogies', component: AnalogyTool },
  { id: 'labels', label: 'Label audit', component: LabelsTool },
  { id: 'model', label: 'Model & tokenizer', component: ModelOverview },
];
