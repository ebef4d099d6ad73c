import gts from 'gts';

export default [{ignores: ['build/', 'node_modules/']}, ...gts];
