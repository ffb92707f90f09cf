import {expect} from 'chai'

import {datasetConstructor} from '../src/statistics/dataset-constructor.js'

describe('a dataset class\'s constructor, read from its module', () => {
  const module = [
    'from kedro.io import AbstractDataset',
    'class Base(AbstractDataset):',
    '    versioned = False',
    '    @some_decorator',
    '    def __init__(self, path, *, layer=None, metadata: dict | None = None, **kwargs) -> None:',
    '        pass',
    'class Child(Base):',
    '    """No __init__ of its own."""',
    'class Foreign(AbstractDataset):',
    '    pass',
    'class Mixed(Base, Other):',
    '    pass',
    'class OnlyPositional(AbstractDataset):',
    '    def __init__(self, path, /, metadata=None):',
    '        pass',
    '_DEPRECATED_CLASSES = {"OldChild": Child}',
    '',
  ].join('\n')

  it('reads its own __init__: positional, keyword-only and required parameters, **kwargs, self left out', () => {
    expect(datasetConstructor(module, 'Base')).to.deep.equal({
      keywordOnly: ['layer', 'metadata'], positional: ['path'], required: ['path'], varKeyword: true, varPositional: false,
    })
  })

  it('follows an only base defined in the same module, and a deprecated alias', () => {
    expect(datasetConstructor(module, 'Child')).to.deep.equal(datasetConstructor(module, 'Base'))
    expect(datasetConstructor(module, 'OldChild')).to.deep.equal(datasetConstructor(module, 'Base'))
  })

  it('is not known for a base from another module, several bases, positional-only parameters or an absent class', () => {
    for (const name of ['Foreign', 'Mixed', 'OnlyPositional', 'Nowhere']) expect(datasetConstructor(module, name), name).to.equal(null)
  })

  it('stops on a cycle of aliases and bases', () => {
    expect(datasetConstructor('class A(B):\n    pass\nclass B(A):\n    pass\n', 'A')).to.equal(null)
  })
})
