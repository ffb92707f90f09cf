import {expect} from 'chai'

import {datasetConstructor, submoduleExporting} from '../src/statistics/dataset-constructor.js'

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

  it('follows Kedro 0.18\'s renaming: a module __getattr__ gives XDataset for XDataSet; kedro.io imports the old name', () => {
    const memory = 'class MemoryDataset(AbstractDataset):\n    def __init__(self, data=None, copy_mode=None, metadata=None):\n        pass\n\ndef __getattr__(name):\n    pass\n'
    expect(datasetConstructor(memory, 'MemoryDataSet')).to.deep.include({positional: ['data', 'copy_mode', 'metadata'], varKeyword: false})
    // Without a module __getattr__ the old name is not there.
    expect(datasetConstructor(memory.replace('def __getattr__', 'def other'), 'MemoryDataSet')).to.equal(null)
    const init = 'import warnings\nfrom .memory_dataset import MemoryDataset\nwith warnings.catch_warnings():\n    from .memory_dataset import MemoryDataSet\n    from .partitioned_dataset import (\n        IncrementalDataSet,\n        PartitionedDataSet,\n    )\n'
    expect(['MemoryDataSet', 'PartitionedDataSet', 'Nowhere'].map((name) => submoduleExporting(init, name))).to.deep.equal(['memory_dataset', 'partitioned_dataset', null])
  })

  it('stops on a cycle of aliases and bases', () => {
    expect(datasetConstructor('class A(B):\n    pass\nclass B(A):\n    pass\n', 'A')).to.equal(null)
  })
})
