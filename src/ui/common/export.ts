/** Downloads of charts (SVG, PNG) and tables (CSV, JSON), all generated in the page. */

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, fileName: string, type: string): void {
  downloadBlob(new Blob([text], { type }), fileName);
}

/** A standalone SVG document with the computed styles it needs inlined (page CSS does not travel). */
export function serializeSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const sourceNodes = [svg, ...svg.querySelectorAll('*')];
  const cloneNodes = [clone, ...clone.querySelectorAll('*')];
  const properties = [
    'fill',
    'stroke',
    'stroke-width',
    'stroke-opacity',
    'fill-opacity',
    'opacity',
    'font-family',
    'font-size',
    'font-weight',
    'text-anchor',
    'dominant-baseline',
    'visibility',
  ];
  sourceNodes.forEach((node, i) => {
    const style = getComputedStyle(node as Element);
    const target = cloneNodes[i] as SVGElement;
    for (const property of properties) {
      const value = style.getPropertyValue(property);
      if (value) target.style.setProperty(property, value);
    }
  });
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const { width, height } = svg.getBoundingClientRect();
  if (!clone.getAttribute('width')) clone.setAttribute('width', String(Math.ceil(width)));
  if (!clone.getAttribute('height')) clone.setAttribute('height', String(Math.ceil(height)));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

export function downloadSvg(svg: SVGSVGElement, fileName: string): void {
  downloadText(serializeSvg(svg), fileName, 'image/svg+xml');
}

/** Renders the SVG onto a canvas at `scale` and downloads it as PNG. */
export async function downloadSvgAsPng(svg: SVGSVGElement, fileName: string, scale = 2): Promise<void> {
  const { width, height } = svg.getBoundingClientRect();
  await downloadSvgTextAsPng(serializeSvg(svg), width, height, fileName, scale);
}

/** Renders a standalone SVG document of the given size onto a canvas at `scale` and downloads it as PNG. */
export async function downloadSvgTextAsPng(
  text: string,
  width: number,
  height: number,
  fileName: string,
  scale = 2,
): Promise<void> {
  const image = new Image();
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('The chart could not be rendered to PNG.'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This browser gave no 2D canvas for the PNG export.');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    await downloadCanvasPng(canvas, fileName);
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function downloadCanvasPng(canvas: HTMLCanvasElement, fileName: string): Promise<void> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The PNG could not be encoded.');
  downloadBlob(blob, fileName);
}

/** A raster chart (a canvas) wrapped in an SVG document, so every view can be exported as SVG. */
export function canvasAsSvg(canvas: HTMLCanvasElement, width: number, height: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><image href="${canvas.toDataURL('image/png')}" width="${width}" height="${height}" preserveAspectRatio="none" style="image-rendering:pixelated"/></svg>`;
}
