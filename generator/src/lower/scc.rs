//! Strongly connected components of a directed graph (Tarjan's algorithm), found in one pass in
//! linear time and without recursion, so that a spec with a long chain of types cannot overflow
//! the stack. Sixty lines do not justify a graph crate (petgraph) as a dependency of the generator.

/// The walk's state of one node.
#[derive(Clone, Default)]
struct Node {
    /// The order in which the walk reached the node.
    index: Option<usize>,
    /// The smallest index reachable from the node's subtree through the nodes still on the stack.
    low: usize,
    on_stack: bool,
    component: usize,
}

/// The components of a graph of `len` nodes whose edges are `successors(node)`.
pub(super) struct Components {
    /// The component of each node.
    component: Vec<usize>,
    /// Whether each component contains a cycle: more than one node, or a node with an edge to
    /// itself.
    cyclic: Vec<bool>,
}

impl Components {
    /// Finds the components with Tarjan's algorithm, keeping its depth-first walk on an explicit
    /// stack of (node, next edge to look at). Edges to nodes out of range are ignored.
    pub(super) fn find<'g>(len: usize, successors: impl Fn(usize) -> &'g [usize]) -> Self {
        let mut nodes = vec![Node::default(); len];
        let mut cyclic = Vec::new();
        let mut stack = Vec::new();
        let mut walk: Vec<(usize, usize)> = Vec::new();
        let mut next_index = 0;
        for root in 0..len {
            if nodes.get(root).is_some_and(|node| node.index.is_some()) {
                continue;
            }
            walk.push((root, 0));
            while let Some((node, edge)) = walk.last_mut().map(|(node, edge)| (*node, edge)) {
                let Some(state) = nodes.get_mut(node) else { break };
                if state.index.is_none() {
                    state.index = Some(next_index);
                    state.low = next_index;
                    state.on_stack = true;
                    next_index += 1;
                    stack.push(node);
                }
                if let Some(&next) = successors(node).get(*edge) {
                    *edge += 1;
                    match nodes.get(next).map(|next| (next.index, next.on_stack)) {
                        Some((None, _)) => walk.push((next, 0)),
                        Some((Some(index), true)) => {
                            if let Some(state) = nodes.get_mut(node) {
                                state.low = state.low.min(index);
                            }
                        }
                        Some((Some(_), false)) | None => {}
                    }
                    continue;
                }
                walk.pop();
                let (low, index) = (state.low, state.index);
                if let Some(parent) = walk.last().and_then(|(parent, _)| nodes.get_mut(*parent)) {
                    parent.low = parent.low.min(low);
                }
                if index == Some(low) {
                    let id = cyclic.len();
                    let mut size = 0;
                    while let Some(member) = stack.pop() {
                        if let Some(state) = nodes.get_mut(member) {
                            state.on_stack = false;
                            state.component = id;
                        }
                        size += 1;
                        if member == node {
                            break;
                        }
                    }
                    cyclic.push(size > 1 || successors(node).contains(&node));
                }
            }
        }
        Components { component: nodes.into_iter().map(|node| node.component).collect(), cyclic }
    }

    /// Whether an edge from `from` to `to` lies on a cycle: both are in the same cyclic component.
    pub(super) fn on_cycle(&self, from: usize, to: usize) -> bool {
        match (self.component.get(from), self.component.get(to)) {
            (Some(a), Some(b)) => a == b && self.cyclic.get(*a).copied().unwrap_or(false),
            _ => false,
        }
    }

    /// Whether `node` lies on a cycle.
    pub(super) fn is_cyclic(&self, node: usize) -> bool {
        self.component.get(node).is_some_and(|id| self.cyclic.get(*id).copied().unwrap_or(false))
    }

    /// The component of `node`.
    pub(super) fn of(&self, node: usize) -> Option<usize> {
        self.component.get(node).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::Components;

    fn find(edges: &[Vec<usize>]) -> Components {
        Components::find(edges.len(), |node| edges.get(node).map(Vec::as_slice).unwrap_or(&[]))
    }

    #[test]
    fn finds_cycles_and_leaves_chains_alone() {
        // 0 → 1 → 2 → 0 is a cycle, 3 → 0 leads into it, 4 loops on itself, 5 is alone.
        let graph = find(&[vec![1], vec![2], vec![0], vec![0], vec![4], vec![]]);
        assert!(graph.on_cycle(0, 1) && graph.on_cycle(2, 0));
        assert!(!graph.on_cycle(3, 0));
        assert!(graph.on_cycle(4, 4));
        assert!(!graph.is_cyclic(5) && !graph.is_cyclic(3) && graph.is_cyclic(1));
        assert_ne!(graph.of(3), graph.of(0));
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let len = 1_000_000;
        let edges: Vec<Vec<usize>> = (0..len).map(|node| vec![(node + 1) % len]).collect();
        let graph = find(&edges);
        assert!(graph.on_cycle(len - 1, 0));
        let chain: Vec<Vec<usize>> =
            (0..len).map(|node| if node + 1 < len { vec![node + 1] } else { vec![] }).collect();
        assert!(!find(&chain).is_cyclic(0));
    }
}
