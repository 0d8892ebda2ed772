import { type BinaryNode, getBinaryNodeChild, S_WHATSAPP_NET } from '../../whatsapp/protocol.ts';

export const nowSeconds = (): string => String(Math.floor(Date.now() / 1000));

export const node = (tag: string, attrs: Record<string, string> = {}, content?: BinaryNode['content']): BinaryNode =>
  content === undefined ? { tag, attrs } : { tag, attrs, content };

export const iqResult = (iq: BinaryNode, content?: BinaryNode[]): BinaryNode =>
  node('iq', { id: iq.attrs.id ?? '', type: 'result', from: iq.attrs.to ?? S_WHATSAPP_NET }, content);

export const iqError = (iq: BinaryNode, code: number, text: string): BinaryNode =>
  node('iq', { id: iq.attrs.id ?? '', type: 'error', from: iq.attrs.to ?? S_WHATSAPP_NET }, [
    node('error', { code: String(code), text }),
  ]);

export const childNodes = (parent: BinaryNode | undefined): BinaryNode[] =>
  Array.isArray(parent?.content) ? parent.content : [];

export const bytesOf = (parent: BinaryNode | undefined, tag: string): Buffer | undefined => {
  const content = getBinaryNodeChild(parent, tag)?.content;
  if (content instanceof Uint8Array) return Buffer.from(content);
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return undefined;
};

export const bigEndian = (value: number, bytes: number): Buffer => {
  const out = Buffer.alloc(bytes);
  out.writeUIntBE(value, 0, bytes);
  return out;
};

export const streamError = (code: number): BinaryNode => node('stream:error', { code: String(code) });

export const streamConflict = (): BinaryNode =>
  node('stream:error', {}, [node('conflict', { type: 'replaced' })]);
